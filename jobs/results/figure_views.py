"""The dashboard's data (JSON) and every chart's numbers as CSV."""

from __future__ import annotations

import csv
import io
from uuid import UUID

from django.http import Http404, HttpResponse, JsonResponse

from jobs.infra.requests import AuthenticatedRequest
from jobs.results import figures, tables
from jobs.runs.models import Job
from jobs.runs.views import get_job_for_user

# The figures of a finished job never change: the browser may keep them for an hour.
CACHE = "private, max-age=3600"


def completed_job(request: AuthenticatedRequest, job_id: UUID) -> Job:
    job = get_job_for_user(request, job_id)
    if job.status != Job.Status.COMPLETED:
        raise Http404("This job has not finished.")
    return job


def _figures(job: Job) -> dict[str, object]:
    try:
        return figures.dashboard_data(figures.read_summary(job), job.scenario)
    except figures.FiguresUnavailable as error:
        raise Http404(str(error)) from None


def figures_json(request: AuthenticatedRequest, job_id: UUID) -> JsonResponse:
    data = _figures(completed_job(request, job_id))
    return JsonResponse(data, headers={"Cache-Control": CACHE})


def figures_csv(request: AuthenticatedRequest, job_id: UUID, name: str) -> HttpResponse:
    """One chart's numbers; time series per hour."""
    if name not in tables.TABLES:
        raise Http404("No such chart.")
    job = completed_job(request, job_id)
    _, build = tables.TABLES[name]
    header, rows = build(_figures(job), True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="medgen-{job.id}-{name}.csv"'
    response["Cache-Control"] = CACHE
    return response
