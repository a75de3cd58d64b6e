"""The playback page and the JSON it plays from: the state at a moment, the events up to
it, and a casualty's card as it stood then. Bad parameters get a 400 naming them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from jobs.results import figures, playback
from jobs.results.dtg import dtg
from jobs.results.figure_views import completed_job
from jobs.runs.models import Job

LISTED = 100  # casualties listed per request; the counts cover everyone
RECENT = 30  # latest events listed


class BadParameter(ValueError):
    pass


def _number(
    request: HttpRequest,
    name: str,
    default: float | None = None,
    low: float = -1e9,
    high: float = 1e9,
) -> float:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadParameter(f"{name}: required")
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(f"{name}: not a number") from None
    if not low <= value <= high:
        raise BadParameter(f"{name}: must be between {low:g} and {high:g}")
    return value


def _bad(error: Exception) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


def _player(job: Job) -> playback.Playback:
    try:
        return playback.open_job(job)
    except playback.PlaybackUnavailable as error:
        raise BadParameter(str(error)) from None


def job_playback(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = completed_job(request, job_id)
    context: dict[str, Any] = {"job": job}
    try:
        playback.open_job(job)
        summary = figures.read_summary(job)
    except (playback.PlaybackUnavailable, figures.FiguresUnavailable) as error:
        context["unavailable"] = str(error)
        return render(request, "results/playback.html", context)
    context["config"] = {
        "stateUrl": reverse("playback_state", args=[job.id]),
        "cardUrl": reverse("playback_card", args=[job.id]),
        "minutes": summary["hours"] * 60,
        "scenarioMinutes": job.scenario["days"] * 24 * 60,
        "start": summary["start"],
        "fronts": [front["name"] for front in job.scenario["fronts"]],
        "places": ["POI", "transit", "R1", "R2", "R3", "R4"],
    }
    return render(request, "results/playback.html", context)


def playback_state(request: HttpRequest, job_id: UUID) -> JsonResponse:
    job = completed_job(request, job_id)
    try:
        player = _player(job)
        minute = _number(request, "minute", low=-1e6, high=1e7)
        window = _number(request, "window", 60, low=1, high=24 * 60)
    except BadParameter as error:
        return _bad(error)
    place, front = request.GET.get("place") or None, request.GET.get("front") or None
    state = player.state_at(minute, window, LISTED, place, front)
    recent = player.events_between(minute - window, minute + 1 / 120, latest=RECENT)
    return JsonResponse(
        {
            "minute": state.minute,
            "time": state.time,
            "dtg": dtg(player.start + timedelta(minutes=minute)),
            "window": window,
            "places": [vars(count) for count in state.places],
            "totals": state.totals,
            "present": state.present,
            "listed": [vars(c) for c in state.casualties],
            "matching": state.matching,
            "recent": [event.to_dict() for event in reversed(recent)],
        },
        headers={"Cache-Control": "private, max-age=3600"},
    )


def playback_card(request: HttpRequest, job_id: UUID) -> JsonResponse:
    job = completed_job(request, job_id)
    try:
        minute = _number(request, "minute", low=-1e6, high=1e7)
        patient_id = request.GET.get("id") or ""
        if not patient_id:
            raise BadParameter("id: required")
        card = playback.card_at(job, patient_id, minute)
    except BadParameter as error:
        return _bad(error)
    except playback.PlaybackUnavailable as error:
        return _bad(error)
    if card is None:
        return JsonResponse(
            {"error": f"id: {patient_id} is not a casualty of this job at that moment"}, status=404
        )
    return JsonResponse(card, headers={"Cache-Control": "private, max-age=3600"})
