"""The job's events in time order, and cards that show nothing from the future."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import pytest

from jobs.exercises import events

pytestmark = pytest.mark.django_db


def seconds(start: datetime, iso: str) -> float:
    return (datetime.fromisoformat(iso) - start).total_seconds()


def test_it_lists_every_timeline_entry_once_in_time_order(exercise_job: Any, records: list) -> None:
    everything = events.events_between(exercise_job, float("-inf"), float("inf"))

    positions = [event.position for event in everything]
    assert positions == sorted(positions)
    moves = [e for e in everything if e.kind not in ("nine_line", "atmist", "treatment")]
    assert len(moves) == sum(len(record["timeline"]) for record in records)
    requests = [e for e in everything if e.kind == "nine_line"]
    assert len(requests) == sum(len(record["medevac_requests"]) for record in records)


def test_consecutive_windows_neither_repeat_nor_skip(exercise_job: Any) -> None:
    index = events.index_for(exercise_job)
    cuts = [-1.0, *(index.last_position * k / 7 for k in range(1, 7)), index.last_position]

    pieces = [events.events_between(exercise_job, a, b) for a, b in itertools.pairwise(cuts)]

    assert [e for piece in pieces for e in piece] == index.events


def test_a_front_filter_keeps_only_that_front(exercise_job: Any, records: list) -> None:
    front = records[0]["front"]
    selected = events.events_between(exercise_job, float("-inf"), float("inf"), [front])
    assert selected and {event.front for event in selected} == {front}
    assert events.events_between(exercise_job, float("-inf"), float("inf"), ["Nowhere"]) == []


def test_a_card_shows_nothing_that_happens_later(exercise_job: Any, records: list) -> None:
    start = events.index_for(exercise_job).start
    record = next(r for r in records if len(r["timeline"]) >= 4)
    arrival, departure = record["timeline"][1], record["timeline"][2]
    moment = (seconds(start, arrival["time"]) + seconds(start, departure["time"])) / 2

    card = events.card_at(exercise_job, record["id"], moment)

    assert card is not None
    assert [e["time"] for e in card["timeline"]] == [e["time"] for e in record["timeline"][:2]]
    assert all(seconds(start, t["time"]) <= moment for t in card["treatments"])
    expected = [t for t in record["treatments"] if seconds(start, t["time"]) <= moment]
    assert len(card["treatments"]) == len(expected)
    assert card["vitals"]["context"] == "arrival"
    assert card["outcome"] is None
    assert card["triage"] == arrival["triage"]
    assert card["where"] == arrival["facility"]


def test_a_card_at_the_end_shows_the_outcome(exercise_job: Any, records: list) -> None:
    record = records[0]
    card = events.card_at(exercise_job, record["id"], float("inf"))
    assert card is not None and card["outcome"] == record["outcome"]
    assert len(card["timeline"]) == len(record["timeline"])


def test_a_job_without_json_files_has_no_events(completed_job: Any, media_root: Any) -> None:
    job = completed_job(formats=("csv",), total_patients=20)
    with pytest.raises(events.NoEventSource):
        events.index_for(job)
