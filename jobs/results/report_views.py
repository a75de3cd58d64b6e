"""The planning report: one print-styled page (browsers save it as PDF) with the scenario,
the dashboard's charts, the peak loads per role and the rates against their references."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render

from jobs.infra.requests import AuthenticatedRequest
from jobs.results import figures
from jobs.results.dtg import dtg, local
from jobs.results.figure_views import completed_job

ROLE_NAMES = {"R1": "Role 1", "R2": "Role 2", "R3": "Role 3", "R4": "Role 4"}


def job_report(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    job = completed_job(request, job_id)
    start = datetime.fromisoformat(job.scenario["start"])
    context = {
        "job": job,
        "start_dtg": dtg(start),
        "start_local": local(start),
        "scenario": job.scenario,
    }
    try:
        data = figures.dashboard_data(figures.read_summary(job), job.scenario)
    except figures.FiguresUnavailable as error:
        context["unavailable"] = str(error)
        return render(request, "results/report.html", context)
    peaks = data["load"]["peaks"]
    hour_labels = data["hour_labels"]

    def when(hour: int) -> str:
        return hour_labels[hour] if 0 <= hour < len(hour_labels) else "—"

    context["peak_rows"] = [
        {
            "role": ROLE_NAMES[place],
            "present": peaks["census"].get(place, {}).get("value", "—"),
            "present_at": when(peaks["census"][place]["at"]) if place in peaks["census"] else "—",
            "arrivals": peaks["arrivals_per_hour"][place]["value"],
            "arrivals_at": when(peaks["arrivals_per_hour"][place]["at"]),
            "surgery": peaks["surgical_cases_per_day"].get(place, {}).get("value", "—"),
        }
        for place in ("R1", "R2", "R3", "R4")
    ]
    context["evac_peak"] = peaks["evac_requests_per_hour"]
    context["evac_peak_at"] = when(peaks["evac_requests_per_hour"]["at"])
    context["data"] = data
    return render(request, "results/report.html", context)
