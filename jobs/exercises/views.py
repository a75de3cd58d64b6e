"""Exercise pages: new run, control (owner), clock changes, share links, the board page, the log."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jobs.exercises import events, live, log, times
from jobs.exercises.clock import ClockError
from jobs.exercises.forms import ClockForm, RunForm, ShareLinkForm
from jobs.exercises.models import BOARD_LABELS, ExerciseRun, ShareLink
from jobs.infra.requests import AuthenticatedRequest
from jobs.runs.models import Job
from jobs.runs.views import get_job_for_user


def get_run_for_user(request: AuthenticatedRequest, run_id: int) -> ExerciseRun:
    """The run, if the user owns its job (staff: any); 404 otherwise."""
    runs = ExerciseRun.objects.for_user(request.user).select_related("job")
    return get_object_or_404(runs, pk=run_id)


def run_new(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    if job.status != Job.Status.COMPLETED:
        raise Http404("Only a completed job can be played as an exercise.")
    try:
        events.check(job)
    except events.NoEventSource as error:
        messages.error(request, f"This job cannot be played as an exercise: {error}")
        return redirect("job_detail", job_id=job.id)
    form = RunForm(
        request.POST or None,
        start=datetime.fromisoformat(job.scenario["start"]),
        last=events.last_position(job),
        fronts=events.scenario_fronts(job),
        initial={"name": f"{job.title or 'Exercise'} run {job.exercise_runs.count() + 1}"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = ExerciseRun.objects.create(
            job=job,
            name=data["name"],
            fronts=data["fronts"],
            speed=data["speed"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            position=data["window_start"],
        )
        return redirect("exercise_control", run_id=run.pk)
    context = {"job": job, "form": form, "runs": job.exercise_runs.all()}
    return render(request, "exercises/run_new.html", context)


def control(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = get_run_for_user(request, run_id)
    return render(request, "exercises/control.html", _control_context(run))


def _control_context(run: ExerciseRun, **extra: object) -> dict[str, object]:
    start = datetime.fromisoformat(run.job.scenario["start"])
    now_position = run.clock.at(timezone.now())
    return {
        "run": run,
        "job": run.job,
        "clock_form": ClockForm(
            initial={"speed": run.speed, "to": times.local_input(start, now_position)}
        ),
        "link_form": ShareLinkForm(boards=run.boards()),
        "links": run.share_links.all(),
        "config": {"ws_path": f"/ws/exercises/{run.pk}/control/", "clock": live.clock_payload(run)},
        "window": times.span(start, run.window_start, run.window_end),
        **extra,
    }


@require_POST
def change_clock(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = get_run_for_user(request, run_id)
    form = ClockForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("exercise_control", run_id=run.pk)
    action, data = form.cleaned_data["action"], form.cleaned_data
    start = datetime.fromisoformat(run.job.scenario["start"])
    try:
        if action == "start":
            run.change_clock(action, lambda clock, now: clock.started_at(now))
        elif action == "pause":
            run.change_clock(action, lambda clock, now: clock.paused_at(now))
        elif action == "resume":
            run.change_clock(action, lambda clock, now: clock.resumed_at(now))
        elif action == "speed":
            run.change_clock(action, lambda clock, now: clock.with_speed(data["speed"], now))
        else:
            position = times.parse_local(data["to"], start)
            run.change_clock(action, lambda clock, now: clock.jumped_to(position, now))
    except (ClockError, ValueError) as error:
        messages.error(request, f"Clock not changed: {error}.")
        return redirect("exercise_control", run_id=run.pk)
    live.publish_clock(run, action)
    return redirect("exercise_control", run_id=run.pk)


@require_POST
def link_new(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = get_run_for_user(request, run_id)
    form = ShareLinkForm(request.POST, boards=run.boards())
    if not form.is_valid():
        return render(
            request, "exercises/control.html", _control_context(run, link_form=form), status=400
        )
    link, token = ShareLink.issue(
        run, form.cleaned_data["board"], form.cleaned_data["label"], form.expires_at()
    )
    # The token is shown on this page only: MedGen keeps its hash, never the token.
    url = request.build_absolute_uri(reverse("exercise_board", args=[token]))
    return render(
        request, "exercises/control.html", _control_context(run, new_link=link, new_url=url)
    )


@require_POST
def link_revoke(request: AuthenticatedRequest, run_id: int, link_id: int) -> HttpResponse:
    run = get_run_for_user(request, run_id)
    link = get_object_or_404(run.share_links, pk=link_id)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        live.close_link_sockets(link)
        messages.success(
            request, f"Revoked the link to {link.board_label}; its open pages were closed."
        )
    return redirect("exercise_control", run_id=run.pk)


def run_log(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = get_run_for_user(request, run_id)
    response = HttpResponse(log.csv_log(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="exercise-{run.pk}-log.csv"'
    return response


def replay(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = get_run_for_user(request, run_id)
    config = {
        "state_url": reverse("exercise_replay_state", args=[run.pk]),
        "clock": live.clock_payload(run),
        "boards": [{"board": b, "label": BOARD_LABELS[b]} for b in run.boards()],
    }
    return render(request, "exercises/replay.html", {"run": run, "job": run.job, "config": config})


def replay_state(request: AuthenticatedRequest, run_id: int) -> JsonResponse:
    """A board as it stood at `?at=` (exercise seconds), with the marks made by then."""
    run = get_run_for_user(request, run_id)
    board = request.GET.get("board", "")
    if board not in run.boards():
        return JsonResponse({"error": "board: unknown board"}, status=400)
    try:
        position = float(request.GET.get("at", ""))
    except ValueError:
        return JsonResponse({"error": "at: seconds after the scenario's start"}, status=400)
    if patient := request.GET.get("patient"):  # the card a person opened
        shown = live.board_state(run, board, position).visible(position).values()
        if patient not in {entry["patient_id"] for entry in shown}:
            return JsonResponse({"error": "patient: not on this board at that moment"}, status=400)
        return JsonResponse(live.card_message(run, patient, position))
    _, message = live.board_snapshot(run, board, position)
    message["marks"] = [m for m in message["marks"] if m["position"] <= position]
    return JsonResponse(message)


@login_not_required
def board(request: HttpRequest, token: str) -> HttpResponse:
    """A board opened by its share link: no account, this board of this run only."""
    link = ShareLink.find(token)
    if link is None:
        return render(request, "exercises/link_gone.html", status=404)
    config = {
        "ws_path": f"/ws/exercise-boards/{token}/",
        "board": link.board,
        "clock": live.clock_payload(link.run),
    }
    context = {"link": link, "run": link.run, "config": config}
    response = render(request, "exercises/board.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL: keep it out of Referer
    response["Cache-Control"] = "no-store"
    return response
