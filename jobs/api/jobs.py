"""Jobs: create (from a document, a preset or a saved scenario), list, read, cancel,
re-run, delete. Each calls the function the pages and the admin call (jobs.runs.submit,
get_job_for_user), so the API cannot do what the pages would not.
"""

from typing import Any
from uuid import UUID

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

import generation
from jobs.api import auth
from jobs.api.errors import READ_ERRORS, WRITE_ERRORS, body_problem, invalid, scenario_problems
from jobs.api.schemas import ErrorOut, JobIn, JobOut, JobState, JobSummary
from jobs.infra.requests import AuthenticatedRequest
from jobs.runs import progress
from jobs.runs.models import Job
from jobs.runs.submit import cancel_job, rerun_job, submit_job
from jobs.runs.submit import delete_job as delete_with_files
from jobs.runs.views import get_job_for_user, job_state_for_user
from jobs.scenarios import cached

router = Router(tags=["jobs"])
SOURCES = ("document", "preset", "scenario_id")


class JobFilter(Schema):
    status: Job.Status | None = None


@router.post("", auth=auth.write, response={201: JobOut, **WRITE_ERRORS}, summary="Create a job")
def create_job(request: AuthenticatedRequest, payload: JobIn) -> Status[Job]:
    """Queue a job; 429 with Retry-After while you have too many queued or running."""
    document, version_id = _source(request, payload)
    if payload.total_patients is not None:
        document = {**document, "total_patients": payload.total_patients}
    try:
        job = submit_job(request.user, document, payload.formats, version_id, payload.seed)
    except generation.ScenarioError as error:  # located under the source that was given
        raise scenario_problems(error, _given(payload)[0]) from None
    return Status(201, job)


@router.get("", response={200: list[JobSummary], **READ_ERRORS}, summary="List jobs")
@paginate(LimitOffsetPagination)
def list_jobs(request: AuthenticatedRequest, filters: Query[JobFilter]) -> Any:
    """Your jobs, newest first (`?status=running`, `?limit=&offset=`)."""
    jobs = Job.objects.filter(owner=request.user).select_related("scenario_version")
    if filters.status:
        jobs = jobs.filter(status=filters.status)
    return jobs


@router.get("/{job_id}", response={200: JobOut, **READ_ERRORS}, summary="Read a job")
def read_job(request: AuthenticatedRequest, job_id: UUID) -> Job:
    return get_job_for_user(request, job_id)


@router.get("/{job_id}/status", response={200: JobState, **READ_ERRORS}, summary="Status")
def job_status(request: AuthenticatedRequest, job_id: UUID) -> dict[str, Any]:
    """The job page's status payload (cheap: poll it every few seconds)."""
    return progress.payload(job_state_for_user(request, job_id))


@router.post(
    "/{job_id}/cancel",
    auth=auth.write,
    response={200: JobOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Cancel",
)
def cancel(request: AuthenticatedRequest, job_id: UUID) -> Job:
    """Stop a queued or running job; 409 when it has finished already."""
    job = get_job_for_user(request, job_id)
    if not cancel_job(job):
        raise HttpError(409, f"The job is {job.status} already; only active jobs can be cancelled.")
    return job


@router.post(
    "/{job_id}/rerun",
    auth=auth.write,
    response={201: JobOut, **WRITE_ERRORS},
    summary="Run again (a new job)",
)
def rerun(request: AuthenticatedRequest, job_id: UUID) -> Status[Job]:
    """A new job with this job's scenario, formats and seed: the same files again."""
    job = rerun_job(request.user, get_job_for_user(request, job_id))
    return Status(201, job)


@router.delete("/{job_id}", auth=auth.write, response={204: None, **WRITE_ERRORS}, summary="Delete")
def delete_job(request: AuthenticatedRequest, job_id: UUID) -> Status[None]:
    """Delete the job and its files; a running job is cancelled first."""
    delete_with_files(get_job_for_user(request, job_id))
    return Status(204, None)


def _given(payload: JobIn) -> list[str]:
    return [name for name in SOURCES if getattr(payload, name) is not None]


def _source(request: AuthenticatedRequest, payload: JobIn) -> tuple[dict[str, Any], int | None]:
    """The document to run and the saved version it came from, from exactly one source."""
    given = _given(payload)
    if len(given) != 1:
        message = "Give exactly one of document, preset or scenario_id."
        raise invalid(*(body_problem(name, message) for name in given or SOURCES))
    if payload.document is not None:
        return payload.document, None
    if payload.preset is not None:
        if payload.preset not in generation.preset_names():
            raise invalid(body_problem("preset", "No such preset (see GET /presets)."))
        return generation.load_preset(payload.preset), None
    saved = cached.lookup(payload.scenario_id, owner=request.user)  # type: ignore[arg-type]
    if saved is None:
        raise invalid(body_problem("scenario_id", "You have no saved scenario with this id."))
    return saved.document, saved.version_id
