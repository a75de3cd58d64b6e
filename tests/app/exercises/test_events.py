"""The boards' view of the playback API: events in seconds, (after, until] windows,
departures that name where they go, and cards that show nothing from the future."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import pytest

from jobs.exercises import events

pytestmark = pytest.mark.django_db
EVER = (float("-inf"), float("inf"))


def seconds(start: datetime, iso: str) -> float:
    return (datetime.fromisoformat(iso) - start).total_seconds()


def test_it_lists_every_step_and_request_once_in_time_order(
    exercise_job: Any, records: list
) -> None:
    start = datetime.fromisoformat(exercise_job.scenario["start"])
    everything = events.events_between(exercise_job, *EVER)

    positions = [event.position for event in everything]
    assert positions == sorted(positions)
    steps = [e for e in everything if e.kind not in ("nine_line", "atmist")]
    assert len(steps) == sum(len(record["timeline"]) for record in records)
    requests = sorted(
        (e.patient_id, e.position, e.facility, e.to) for e in everything if e.kind == "nine_line"
    )
    expected = sorted(
        (r["id"], seconds(start, m["time"]), m["from"], m["to"])
        for r in records
        for m in r["medevac_requests"]
    )
    assert requests == expected


def test_departures_name_where_they_go(exercise_job: Any, records: list) -> None:
    nexts = {}
    for record in records:
        timeline = record["timeline"]
        for step, following in itertools.pairwise(timeline):
            if step["event"] in ("departure", "evacuated"):
                nexts[(record["id"], step["event"], step["facility"])] = following["facility"]
    everything = events.events_between(exercise_job, *EVER)
    leaving = [e for e in everything if e.kind in ("departure", "evacuated")]

    assert leaving and all(e.to == nexts[(e.patient_id, e.kind, e.facility)] for e in leaving)
    # Also when the window ends before the arrival: then the casualty's heading says it.
    for event in leaving[:5]:
        alone = events.events_between(exercise_job, event.position - 1, event.position)
        mine = next(e for e in alone if e.patient_id == event.patient_id and e.kind == event.kind)
        assert mine.to == event.to


def test_consecutive_windows_neither_repeat_nor_skip(exercise_job: Any) -> None:
    last = events.last_position(exercise_job)
    cuts = [float("-inf"), *(last * k / 7 + 0.5 for k in range(1, 7)), last]

    pieces = [events.events_between(exercise_job, a, b) for a, b in itertools.pairwise(cuts)]

    assert [e for piece in pieces for e in piece] == events.events_between(exercise_job, *EVER)


def test_a_front_filter_keeps_only_that_front(exercise_job: Any, records: list) -> None:
    front = records[0]["front"]
    selected = events.events_between(exercise_job, *EVER, [front])
    assert selected and {event.front for event in selected} == {front}
    assert events.events_between(exercise_job, *EVER, ["Nowhere"]) == []


def test_a_card_shows_nothing_that_happens_later(exercise_job: Any, records: list) -> None:
    start = datetime.fromisoformat(exercise_job.scenario["start"])
    record = next(r for r in records if len(r["timeline"]) >= 4)
    arrival, departure = record["timeline"][1], record["timeline"][2]
    moment = (seconds(start, arrival["time"]) + seconds(start, departure["time"])) / 2

    card = events.card_at(exercise_job, record["id"], moment)

    assert card is not None
    assert [seconds(start, e["time"]) for e in card["timeline"]] == [
        seconds(start, e["time"]) for e in record["timeline"][:2]
    ]
    expected = [t for t in record["treatments"] if seconds(start, t["time"]) <= moment]
    assert len(card["treatments"]) == len(expected)
    assert card["vitals"]["context"] == "arrival"
    assert card["outcome"] is None
    assert card["triage"] == arrival["triage"]
    assert card["where"] == arrival["facility"]


def test_a_card_at_the_end_shows_the_outcome(exercise_job: Any, records: list) -> None:
    record = records[0]
    card = events.card_at(exercise_job, record["id"], events.last_position(exercise_job))
    assert card is not None and card["outcome"] == record["outcome"]
    assert len(card["timeline"]) == len(record["timeline"])


def test_a_job_without_playback_cannot_be_played(exercise_job: Any) -> None:
    exercise_job.outputs.filter(name="playback.bin").delete()
    with pytest.raises(events.NoEventSource):
        events.check(exercise_job)
