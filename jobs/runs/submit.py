"""Creating, re-running, cancelling and deleting a job: one way each, for pages, API, admin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

import generation
from jobs.runs import progress, tasks
from jobs.runs.limits import check_can_submit
from jobs.runs.models import Job


def submit_job(
    owner: Any,
    document: dict[str, Any] | generation.Scenario,
    formats: Sequence[str],
    scenario_version_id: int | None = None,
    seed: int | None = None,
) -> Job:
    """Validate `document`, store the job and queue it when the transaction commits.

    `document` may be the Scenario a form has already validated (it is not checked
    twice). `scenario_version_id` names the saved scenario version the form started
    from; the job keeps its own copy of the document either way. `seed` overrides the
    document's. Raises generation.ScenarioError for an invalid document and
    jobs.runs.limits.LimitExceeded when the owner may not queue another job now.
    """
    if isinstance(document, generation.Scenario):
        scenario = document
    else:
        scenario = generation.parse_scenario(document)
    snapshot = scenario.to_dict()
    with transaction.atomic():
        _lock_owner(owner)
        check_can_submit(owner, scenario.total_patients)
        job = Job.objects.create(
            owner=owner,
            title=_title(snapshot),
            scenario=snapshot,
            scenario_version_id=scenario_version_id,
            formats=list(dict.fromkeys(formats)),
            seed=generation.resolve_seed(scenario, seed),
            total=scenario.total_patients,
        )
        tasks.enqueue(job)
    return job


def rerun_job(owner: Any, job: Job) -> Job:
    """A new job with `job`'s own scenario copy, formats and seed: the same files again."""
    return submit_job(owner, job.scenario, job.formats, job.scenario_version_id, job.seed)


def cancel_job(job: Job) -> bool:
    """Cancel and tell the pages watching; False when the job had already finished."""
    if not job.cancel():
        return False
    progress.publish(job)
    return True


def delete_job(job: Job) -> None:
    """Delete a job with its files (jobs.runs.signals); an active job is cancelled first
    so its worker stops at the next chunk instead of writing into a deleted folder."""
    job.cancel()
    job.delete()


def _lock_owner(owner: Any) -> None:
    # Two submissions by one user at once wait for each other here, so the cap on
    # active jobs counts both (a per-user lock; other users are not held up).
    users = get_user_model().objects.select_for_update().filter(pk=owner.pk)
    list(users.values_list("pk", flat=True))


def _title(document: dict[str, Any]) -> str:
    title = document.get("title") or document.get("name") or ""
    return str(title)[:200] or f"{document['total_patients']:,} casualties"
