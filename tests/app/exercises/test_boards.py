"""A board shows what is due at the current exercise time, and nothing later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from jobs.exercises import events, live
from jobs.exercises.boards import KEEP_AFTER_LEAVING

pytestmark = pytest.mark.django_db


def seconds(start: datetime, iso: str) -> float:
    return (datetime.fromisoformat(iso) - start).total_seconds()


def expected_r1(records: list, start: datetime, now: float) -> dict[str, str]:
    """Patient -> stage on the R1 board at `now`, worked out from the records directly."""
    stages = {}
    for record in records:
        times = {(e["facility"], e["event"]): seconds(start, e["time"]) for e in record["timeline"]}
        arrival = times.get(("R1", "arrival"))
        if arrival is None:
            continue
        asked = [seconds(start, r["time"]) for r in record["medevac_requests"] if r["to"] == "R1"]
        left = [
            t for (facility, kind), t in times.items() if facility == "R1" and kind != "arrival"
        ]
        if left and left[0] <= now:
            if now - left[0] <= KEEP_AFTER_LEAVING:
                stages[record["id"]] = "left"
        elif arrival <= now:
            stages[record["id"]] = "arrived"
        elif asked and asked[0] <= now:
            stages[record["id"]] = "announced"
    return stages


def test_a_facility_board_shows_only_what_is_due(make_run: Any, records: list) -> None:
    run = make_run()
    start = datetime.fromisoformat(run.job.scenario["start"])
    arrivals = sorted(
        seconds(start, e["time"]) for r in records for e in r["timeline"] if e["facility"] == "R1"
    )
    for now in (arrivals[len(arrivals) // 3], arrivals[len(arrivals) // 2] + 60):
        _, message = live.board_snapshot(run, "R1", now)

        shown = {entry["patient_id"]: entry["stage"] for entry in message["entries"]}
        assert shown == expected_r1(records, start, now)
        for entry in message["entries"]:
            card = entry["card"]
            assert entry["since"] <= now
            assert all(seconds(start, e["time"]) <= now for e in card["timeline"])
            assert all(seconds(start, t["time"]) <= now for t in card["treatments"])


def test_an_update_carries_only_the_events_in_between(make_run: Any) -> None:
    run = make_run()
    middle = events.last_position(run.job) / 2
    state, _ = live.board_snapshot(run, "R1", middle)

    update = live.board_update(run, state, middle, middle + 6 * 3600)

    due = {
        e.patient_id
        for e in events.events_between(run.job, middle, middle + 6 * 3600)
        if "R1" in (e.facility, e.to)
    }
    if update is None:
        assert not due
    else:
        assert {entry["patient_id"] for entry in update["entries"]} <= due
        _, whole = live.board_snapshot(run, "R1", middle + 6 * 3600)
        updated = {entry["key"]: entry["stage"] for entry in update["entries"]}
        now_shown = {entry["key"]: entry["stage"] for entry in whole["entries"]}
        assert all(now_shown[key] == stage for key, stage in updated.items() if key in now_shown)


def test_the_evacuation_board_shows_nine_lines_as_sent(make_run: Any, records: list) -> None:
    run = make_run()
    start = datetime.fromisoformat(run.job.scenario["start"])
    sent_times = sorted(seconds(start, m["time"]) for r in records for m in r["medevac_requests"])
    now = sent_times[len(sent_times) // 2] + 1

    _, message = live.board_snapshot(run, "evac", now)

    expected = {}
    for record in records:
        for request in record["medevac_requests"]:
            if seconds(start, request["time"]) > now:
                continue
            arrived = next(
                seconds(start, e["time"])
                for e in record["timeline"]
                if e["facility"] == request["to"] and e["event"] == "arrival"
            )
            if arrived > now:
                expected[f"{record['id']}:{request['from']}"] = "requested"
            elif now - arrived <= KEEP_AFTER_LEAVING:
                expected[f"{record['id']}:{request['from']}"] = "delivered"
    assert "requested" in expected.values()
    assert {entry["key"]: entry["stage"] for entry in message["entries"]} == expected
    for entry in message["entries"]:
        request = next(m for m in entry["card"]["nine_lines"] if m["from"] == entry["from"])
        assert request["grid"] and request["precedence"] and request["to"] == entry["to"]


def test_a_whole_state_carries_the_newest_cards_and_the_rest_on_request(
    make_run: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(live, "CARDS_IN_STATE", 2)
    run = make_run()
    arrivals = [
        e.position
        for e in events.events_between(run.job, float("-inf"), float("inf"))
        if e.kind == "arrival" and e.facility == "R1"
    ]
    busiest = max(arrivals, key=lambda t: sum(t - 3600 < a <= t for a in arrivals))
    _, message = live.board_snapshot(run, "R1", busiest)

    entries = message["entries"]
    assert len(entries) > 2
    assert [entry["card"] is not None for entry in entries] == [False] * (len(entries) - 2) + [
        True
    ] * 2
    oldest = entries[0]["patient_id"]
    card = live.card_message(run, oldest, message["position"])
    assert card["card"]["id"] == oldest
