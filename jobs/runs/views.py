"""Job pages, status, cancel and downloads. Every view is behind login and ownership."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

import generation
from jobs.infra import stats
from jobs.infra.requests import AuthenticatedRequest
from jobs.runs import limits, progress
from jobs.runs.models import Job
from jobs.runs.submit import cancel_job, submit_job
from jobs.scenario_form.form import ScenarioForm
from jobs.scenarios import cached
from jobs.scenarios.models import ScenarioConfig, ScenarioVersion


def get_job_for_user(request: AuthenticatedRequest, job_id: UUID) -> Job:
    """The job, if the user owns it (staff: any job); 404 otherwise."""
    return get_object_or_404(Job.objects.for_user(request.user), pk=job_id)


def job_list(request: AuthenticatedRequest) -> HttpResponse:
    jobs = Job.objects.filter(owner=request.user).prefetch_related("outputs")
    context = {"jobs": jobs[:200], "usage": limits.usage(request.user)}
    return render(request, "runs/job_list.html", context)


def job_new(request: AuthenticatedRequest) -> HttpResponse:
    initial, source = _initial_document(request)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ScenarioForm(data=data, files=files, initial=initial)
    if request.method == "POST":
        source = _posted_source(request)
    status = 200
    if request.method == "POST" and form.is_valid():
        version_id = source.version_id if source else None
        try:
            job = submit_job(request.user, form.scenario(), form.formats(), version_id)
        except limits.LimitExceeded as refused:
            field = refused.field if refused.field in form.fields else None
            form.add_error(field, refused.message)
            status = 429
        else:
            return redirect("job_detail", job_id=job.id)
    context = {
        "form": form,
        "presets": generation.preset_catalog(),
        "saved_scenarios": cached.saved_catalog(request.user),
        "source": source,
    }
    return render(request, "runs/job_new.html", context, status=status)


def job_detail(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    context = {
        "job": job,
        "state": progress.payload(job),
        "outputs": job.outputs.all(),
        "scenario_json": json.dumps(job.scenario, indent=2, ensure_ascii=False),
    }
    return render(request, "runs/job_detail.html", context)


def job_status(request: AuthenticatedRequest, job_id: UUID) -> JsonResponse:
    """The page's fallback when its websocket drops: polled every second by each page."""
    started = time.perf_counter()
    job = job_state_for_user(request, job_id)
    response = AfterSentJsonResponse(progress.payload(job), headers={"Cache-Control": "no-store"})
    elapsed = time.perf_counter() - started
    response.after_sent = lambda: _record_status_request(elapsed)
    return response


def _record_status_request(elapsed: float) -> None:
    stats.observe(stats.STATUS_SECONDS, elapsed)
    stats.report_process("web")


class AfterSentJsonResponse(JsonResponse):
    """A JsonResponse that runs `after_sent` once the answer has gone out: Django closes a
    response after sending its body, so the page polling every second does not wait for
    the metrics' Redis round trip (under load each one waits for a time slice too)."""

    after_sent: Callable[[], None] | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.after_sent is not None:
                after, self.after_sent = self.after_sent, None
                after()


def job_state_for_user(request: AuthenticatedRequest, job_id: UUID) -> Job:
    """Like `get_job_for_user`, loading only the fields the progress payload reads."""
    jobs = Job.objects.for_user(request.user).only(*progress.PAYLOAD_FIELDS)
    return get_object_or_404(jobs, pk=job_id)


def job_result(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    """The summary and download links: the same partial the page renders when done."""
    job = get_job_for_user(request, job_id)
    context = {"job": job, "outputs": job.outputs.all()}
    return render(request, "runs/partials/result.html", context)


@require_POST
def job_cancel(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    cancel_job(job)
    return redirect("job_detail", job_id=job.id)


def job_again(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    return redirect(f"{reverse('job_new')}?from={job.id}")


@require_POST
def job_save_scenario(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    name = (request.POST.get("name") or job.title).strip()[:200] or str(job.id)
    # The same name again keeps the scenario and adds a version.
    ScenarioConfig.objects.update_or_create(
        owner=request.user, name=name, defaults={"document": job.scenario}
    )
    messages.success(request, f"Saved the scenario as “{name}”.")
    return redirect("job_detail", job_id=job.id)


def _initial_document(
    request: AuthenticatedRequest,
) -> tuple[dict[str, Any] | None, cached.SavedScenario | None]:
    """Form values to start from: ?from=<job id>, ?scenario=<saved id> or ?preset=<name>.

    The second value is the saved scenario the values came from, if any.
    """
    if source := request.GET.get("from"):
        try:
            job = get_job_for_user(request, UUID(source))
        except ValueError:
            raise Http404("No such job.") from None
        return ScenarioForm.initial_from_document(job.scenario), None
    if saved_id := request.GET.get("scenario"):
        saved = cached.lookup(int(saved_id), owner=request.user) if saved_id.isdigit() else None
        if saved is None:
            raise Http404("No such saved scenario.")
        return ScenarioForm.initial_from_document(saved.document), saved
    if name := request.GET.get("preset"):
        return ScenarioForm.initial_from_preset(name), None
    return None, None


def _posted_source(request: AuthenticatedRequest) -> cached.SavedScenario | None:
    """The saved scenario version the posted form started from (the user's own only)."""
    version_id = request.POST.get("scenario_version", "")
    mine = ScenarioVersion.objects.select_related("config").filter(config__owner=request.user)
    row = mine.filter(pk=version_id).first() if version_id.isdigit() else None
    return None if row is None else cached.snapshot(row)
