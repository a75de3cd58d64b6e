"""The exercise log as CSV: when each event was shown on the boards, and what was marked.

"Shown" is derived from the clock's history (`ClockChange` rows), not recorded per
socket: while the clock ran from exercise time p0 at wall time w0 at speed s, an event
at exercise time p fell due on every open board at w0 + (p - p0) / s. A jump back
shows events again (a row each time); a jump forward skips the events in between
(they appear in the boards' state, not as due events, so they are not logged as shown).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from jobs.exercises import events, times
from jobs.exercises.boards import INJECT_KINDS
from jobs.exercises.models import ExerciseRun

HEADER = [
    "wall_time_utc",
    "exercise_time",
    "dtg",
    "what",
    "kind",
    "patient_id",
    "facility",
    "to",
    "board",
    "by",
]


def csv_log(run: ExerciseRun) -> str:
    rows = sorted([*_shown(run), *_marks(run)], key=lambda row: row[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def segments(run: ExerciseRun, now: datetime) -> Iterator[tuple[datetime, float, float, int]]:
    """(wall start, exercise from, exercise until, speed) of every stretch the clock ran."""
    changes = list(run.clock_changes.all())
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        if change.action == "pause":
            continue
        if change.action in ("speed", "jump") and not _running_after(changes, change):
            continue
        ended = following.at if following else now
        until = change.position + (ended - change.at).total_seconds() * change.speed
        yield change.at, change.position, min(until, run.window_end), change.speed


def _running_after(changes: list[Any], change: object) -> bool:
    """Whether the clock ran after `change` (a speed change or jump keeps the state it had)."""
    running = False
    for item in changes:
        if item.action in ("start", "resume"):
            running = True
        elif item.action == "pause":
            running = False
        if item is change:
            return running
    return running


def _shown(run: ExerciseRun) -> Iterator[list[str]]:
    start = datetime.fromisoformat(run.job.scenario["start"])
    for wall, after, until, speed in segments(run, timezone.now()):
        for event in events.events_between(run.job, after, until, run.fronts):
            if event.kind not in INJECT_KINDS:
                continue
            shown = wall + timedelta(seconds=(event.position - after) / speed)
            moment = times.scenario_time(start, event.position)
            yield [
                shown.astimezone(UTC).isoformat(timespec="seconds"),
                moment.isoformat(timespec="seconds"),
                times.dtg(moment),
                "shown",
                event.kind,
                event.patient_id,
                event.facility,
                event.to,
                "",
                "",
            ]


def _marks(run: ExerciseRun) -> Iterator[list[str]]:
    start = datetime.fromisoformat(run.job.scenario["start"])
    for mark in run.marks.select_related("link"):
        moment = times.scenario_time(start, mark.position)
        yield [
            mark.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            moment.isoformat(timespec="seconds"),
            times.dtg(moment),
            "marked",
            mark.kind,
            mark.patient_id,
            mark.board,
            "",
            mark.board,
            mark.link.label if mark.link else "",
        ]
