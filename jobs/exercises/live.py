"""The messages boards and control receive, and the group sends that push them.

Groups: `exercise.<run id>` reaches every socket of a run (clock changes, marks);
`exercise-link.<link id>` reaches the sockets opened with one share link (revocation).
Publishing never fails the request that caused it: a socket that missed a message gets
the whole state when it reconnects.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from jobs.exercises import events
from jobs.exercises.boards import INJECT_KINDS, BoardState, ControlState, inject
from jobs.exercises.models import ExerciseRun, Mark, ShareLink

log = logging.getLogger(__name__)

UPCOMING = 12
# A whole state carries the cards of the newest entries only (those people act on); the
# others' cards are sent when a participant opens them (`card` message), or with their
# next event. A 10,000-casualty run can hold over a thousand casualties at one facility.
CARDS_IN_STATE = 150
BEFORE_EVERYTHING = events.BEFORE_EVERYTHING


def run_group(run_id: int) -> str:
    return f"exercise.{run_id}"


def clock_payload(run: ExerciseRun, now: datetime | None = None) -> dict[str, Any]:
    """The clock as the pages draw it: they advance `position` locally at `speed` while running."""
    now = now or timezone.now()
    clock = run.clock
    return {
        "started": clock.started,
        "running": clock.running and not clock.finished(now),
        "finished": clock.finished(now),
        "position": clock.at(now),
        "speed": clock.speed,
        "start": clock.start,
        "end": clock.end,
        "scenario_start": run.job.scenario["start"],
    }


def board_snapshot(
    run: ExerciseRun, board: str, position: float
) -> tuple[BoardState, dict[str, Any]]:
    """The board folded up to `position`, and the message that draws it whole."""
    state = board_state(run, board, position)
    visible = state.visible(position)
    message = {
        "type": "state",
        "board": board,
        "position": position,
        "clock": clock_payload(run),
        "entries": _with_cards(run, visible, position, CARDS_IN_STATE),
        "marks": [mark.as_dict() for mark in run.marks.filter(board=board)],
    }
    return state, message


def board_state(run: ExerciseRun, board: str, position: float) -> BoardState:
    """The board folded from the first event up to `position`."""
    state = BoardState(board)
    state.apply(events.events_between(run.job, BEFORE_EVERYTHING, position, run.fronts))
    return state


def board_update(
    run: ExerciseRun, state: BoardState, after: float, until: float
) -> dict[str, Any] | None:
    """The entries that changed between `after` and `until`, or None when nothing did."""
    changed = state.apply(events.events_between(run.job, after, until, run.fronts))
    if not changed:
        return None
    entries = {key: state.entries[key] for key in changed}
    return {"type": "events", "position": until, "entries": _with_cards(run, entries, until)}


def _with_cards(
    run: ExerciseRun,
    entries: dict[str, dict[str, Any]],
    position: float,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Entries in board order, the newest `limit` (all: None) with their card."""
    ordered = sorted(entries.items(), key=lambda item: (item[1]["since"], item[1]["sequence"]))
    newest = ordered if limit is None else ordered[-limit:]
    cards = events.cards_at(run.job, (entry["patient_id"] for _, entry in newest), position)
    return [{**entry, "key": key, "card": cards.get(entry["patient_id"])} for key, entry in ordered]


def card_message(run: ExerciseRun, patient_id: str, position: float) -> dict[str, Any]:
    """The card a participant opened, as it stands at `position`."""
    card = events.cards_at(run.job, [patient_id], position).get(patient_id)
    return {"type": "card", "patient_id": patient_id, "card": card}


def control_snapshot(run: ExerciseRun, position: float) -> tuple[ControlState, dict[str, Any]]:
    state = ControlState()
    state.apply(events.events_between(run.job, BEFORE_EVERYTHING, position, run.fronts))
    message = control_update(run, state, position)
    message.update(
        type="state",
        clock=clock_payload(run),
        marks=[mark.as_dict() for mark in run.marks.all()],
    )
    return state, message


def control_update(run: ExerciseRun, state: ControlState, position: float) -> dict[str, Any]:
    upcoming = events.following(run.job, position, run.fronts, INJECT_KINDS, UPCOMING)
    return {
        "type": "summary",
        "position": position,
        "counts": state.counts(),
        "past": [inject(event) for event in reversed(state.past)],
        "upcoming": [inject(event) for event in upcoming],
    }


def publish_clock(run: ExerciseRun, action: str) -> None:
    _send(run_group(run.pk), {"type": "exercise.clock", "action": action})


def publish_mark(mark: Mark) -> None:
    _send(run_group(mark.run_id), {"type": "exercise.mark", "mark": mark.as_dict()})


def close_link_sockets(link: ShareLink) -> None:
    _send(link.group, {"type": "exercise.revoked"})


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the database change stands; sockets catch up when they reconnect
        log.warning("could not publish %s to %s", message["type"], group, exc_info=True)
