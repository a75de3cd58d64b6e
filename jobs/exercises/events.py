"""The job's events in time order and casualties' cards at a moment, for the boards.

Everything comes from the dashboard's playback API (`jobs.results.playback`: the job's
`playback.bin`, and its patient file for cards); this module only adapts it to what the
boards fold:

- positions are **seconds** after the scenario's start (the clock's unit), where the
  playback API takes minutes;
- a board asks for the events *after* its cursor up to now, `(after, until]`, where the
  playback API answers `[start, stop)`; event times are whole seconds, so
  `(after, until]` is `[floor(after) + 1, floor(until) + 1)`;
- a departure (or evacuation) names where the casualty is going (`to`), so the next
  facility's board can announce them: from the casualty's later arrival in the same
  window, else from where the casualty in transit is heading at the window's end
  (`state_at(..., place="transit")`), the knowledge a facility has when a casualty
  leaves for it.

Treatments are not playback events: a card shows the treatments so far each time it is
sent (on every event of that casualty, and in every whole state).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

from jobs.exercises.cards import board_card
from jobs.results import playback
from jobs.results.cards import read_patients
from jobs.runs.models import Job

BEFORE_EVERYTHING = -(10**9)  # seconds: earlier than any event of any scenario
AFTER_EVERYTHING = 10**9  # and later (scenarios span at most 60 days and their journeys)
DAY = 86_400
RECORD_SOURCE = "patients.ndjson"  # one record a line; other jobs: the engine makes it again


class NoEventSource(Exception):
    """The job has no playback to play (the message says why)."""


class Event(NamedTuple):
    """One thing that happens to one casualty at one moment."""

    position: float  # seconds after the scenario's start
    kind: str  # injury, nine_line, departure, evacuated, arrival, atmist, death, rtd
    facility: str  # where it happens (a 9-line: where the pickup is)
    to: str  # where the casualty goes next (departure, evacuated, 9-line, ATMIST), or ""
    patient_id: str
    sequence: int
    front: str


def events_between(job: Job, after: float, until: float, fronts: Iterable[str] = ()) -> list[Event]:
    """The job's events with `after` < position <= `until`, in time order."""
    start = _whole(after) + 1
    stop = _whole(until) + 1
    if stop <= start:
        return []
    found = _playback(playback.events_between, job, start / 60, stop / 60, list(fronts) or None)
    events = [_event(item) for item in found]
    return _with_destinations(job, events, stop - 1)


def next_position(
    job: Job, after: float, within: float, fronts: Iterable[str] = ()
) -> float | None:
    """The first event time in (`after`, `after` + `within`], or None."""
    events = events_between(job, after, after + within, fronts)
    return events[0].position if events else None


def following(
    job: Job, after: float, fronts: Iterable[str], kinds: Iterable[str], limit: int
) -> list[Event]:
    """Up to `limit` events of `kinds` in the day after `after`."""
    wanted = set(kinds)
    return [e for e in events_between(job, after, after + DAY, fronts) if e.kind in wanted][:limit]


def last_position(job: Job) -> float:
    """When the job's last event happens (0 for a job without events)."""
    everything = (BEFORE_EVERYTHING / 60, AFTER_EVERYTHING / 60)
    last = _playback(playback.events_between, job, *everything, None, 1)
    return last[-1].minute * 60 if last else 0.0


def scenario_fronts(job: Job) -> list[str]:
    return [front["name"] for front in job.scenario.get("fronts") or ()]


def card_at(job: Job, patient_id: str, position: float) -> dict[str, Any] | None:
    """The casualty's board card as it stood at `position`: nothing that happens later."""
    card = _playback(playback.card_at, job, patient_id, _whole(position) / 60)
    return board_card(card) if card else None


def cards_at(job: Job, patient_ids: Iterable[str], position: float) -> dict[str, dict[str, Any]]:
    """Cards of several casualties at `position`: the playback API's cards, their records
    read from one patient file (the job's outputs looked up once, not per card)."""
    player = _playback(playback.open_job, job)
    source = _record_source(job)
    minute = _whole(position) / 60
    cards: dict[str, dict[str, Any]] = {}
    for pid in dict.fromkeys(patient_ids):
        index = player.store.index_of(pid)
        if index is None:
            continue
        found = read_patients(source, index + 1, index + 1) if source else []
        record = found[0] if found else playback.read_record(job, index + 1)
        card = player.card_at(record, minute)
        if card is not None:
            cards[pid] = board_card(card)
    return cards


def _record_source(job: Job) -> str | None:
    """The storage name of the job's NDJSON file, where a record can be sought by line."""
    output = job.outputs.filter(name=RECORD_SOURCE).first()
    return str(output.file.name) if output is not None else None


def check(job: Job) -> None:
    """Raise NoEventSource when the job cannot be played."""
    _playback(playback.open_job, job)


def _playback(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except playback.PlaybackUnavailable as error:
        raise NoEventSource(str(error)) from None


def _whole(position: float) -> int:
    if math.isinf(position):
        return BEFORE_EVERYTHING if position < 0 else AFTER_EVERYTHING
    return math.floor(position)


def _event(item: playback.Event) -> Event:
    to = item.destination if item.kind in ("nine_line", "atmist") else ""
    return Event(
        round(item.minute * 60), item.kind, item.place, to, item.id, item.sequence, item.front
    )


def _with_destinations(job: Job, events: list[Event], end: int) -> list[Event]:
    """Departures and evacuations with `to` filled in (see the module docstring)."""
    if not any(e.kind in ("departure", "evacuated") for e in events):
        return events
    arrived: dict[str, str] = {}
    completed: list[Event] = []
    for event in reversed(events):  # the next arrival of each casualty, walking back
        if event.kind == "arrival":
            arrived[event.patient_id] = event.facility
        elif event.kind in ("departure", "evacuated") and event.patient_id in arrived:
            event = event._replace(to=arrived[event.patient_id])
        completed.append(event)
    completed.reverse()
    if all(e.to for e in completed if e.kind in ("departure", "evacuated")):
        return completed
    state = _playback(playback.state_at, job, end / 60, 0, None, "transit")
    heading = {casualty.id: casualty.heading for casualty in state.casualties}
    return [
        e._replace(to=heading.get(e.patient_id, ""))
        if e.kind in ("departure", "evacuated") and not e.to
        else e
        for e in completed
    ]
