"""Playback answers from playback.bin exactly what the patient records say: who is where
at a moment, what happened between two moments, and a card with nothing from the future."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

import generation
from generation.figures.from_records import TimeReader
from jobs.results import playback
from jobs.results.playback_store import open_playback
from tests.documents import scenario_doc

MINUTES = (0, 59, 600, 1999.5, 2880, 4321, 10_000, 100_000)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[playback.Playback, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("playback")
    document = scenario_doc(
        total_patients=700,
        days=3,
        start="2026-03-02T06:00:00+02:00",
        fronts=[
            {"name": "North", "share": 0.5, "nationalities": {"EST": 1}},
            {"name": "South", "share": 0.5, "nationalities": {"POL": 1}},
        ],
    )
    generation.generate(
        generation.parse_scenario(document),
        seed=4,
        sink=lambda name: (out / name).open("wb"),
        formats=("ndjson",),
        chunk_size=90,
        playback=True,
    )
    manifest = json.loads((out / "manifest.json").read_text())
    records = [json.loads(line) for line in (out / "patients.ndjson").open()]
    return playback.Playback(open_playback(out / "playback.bin"), manifest["scenario"]), records


def place_at(record: dict[str, Any], second: int, reader: TimeReader) -> str | None:
    """Where the record says the casualty is at `second` (None: not injured or done)."""
    timeline = record["timeline"]
    if (
        reader.seconds(timeline[0]["time"]) > second
        or reader.seconds(record["outcome_time"]) <= second
    ):
        return None
    last = [e for e in timeline if reader.seconds(e["time"]) <= second][-1]
    return {"injury": "POI", "arrival": last["facility"]}.get(last["event"], "transit")


@pytest.mark.parametrize("minute", MINUTES)
def test_state_matches_the_records(run: Any, minute: float) -> None:
    player, records = run
    reader = TimeReader(player.start)
    second = round(minute * 60)
    expected = {
        r["id"]: (r["front"], place)
        for r in records
        if (place := place_at(r, second, reader)) is not None
    }
    state = player.state_at(minute)
    assert {c.id: (c.front, c.place) for c in state.casualties} == expected
    present = Counter((c.front, c.place) for c in state.casualties)
    for count in state.places:
        assert count.present == present[(count.front, count.place)]
    assert state.time.endswith("+02:00")  # in the scenario's own zone


def test_arriving_leaving_and_dying_count_the_window(run: Any) -> None:
    player, records = run
    reader = TimeReader(player.start)
    minute, window = 2000, 90
    low, high = round((minute - window) * 60), round(minute * 60)
    expected: Counter[tuple[str, str]] = Counter()
    for r in records:
        for e in r["timeline"]:
            if low < reader.seconds(e["time"]) <= high:
                kind = {"arrival": "arriving", "death": "dying", "injury": None}.get(
                    e["event"], "leaving"
                )
                if kind:
                    expected[(e["facility"], kind)] += 1
    totals = player.state_at(minute, window).totals
    got = Counter(
        {
            (place, kind): n
            for place, counts in totals.items()
            for kind, n in counts.items()
            if n and kind != "present"
        }
    )
    assert got == expected and expected


def test_events_between_are_every_step_in_time_order(run: Any) -> None:
    player, records = run
    reader = TimeReader(player.start)
    start, stop = 1200, 1500
    inside = lambda item: start * 60 <= reader.seconds(item["time"]) < stop * 60  # noqa: E731
    events = player.events_between(start, stop)
    steps = [e for e in events if e.kind not in ("atmist", "nine_line")]
    assert sorted((e.id, e.time, e.kind) for e in steps) == sorted(
        (r["id"], player.time(reader.seconds(e["time"])), e["event"])
        for r in records
        for e in r["timeline"]
        if inside(e)
    )
    assert [e.minute for e in events] == sorted(e.minute for e in events)
    # 9-lines and ATMIST handovers: exactly those the records carry in the window.
    assert Counter(e.id for e in events if e.kind == "nine_line") == Counter(
        r["id"] for r in records for m in r["medevac_requests"] if inside(m)
    )
    assert Counter(e.id for e in events if e.kind == "atmist") == Counter(
        r["id"] for r in records for h in r["handovers"] if inside(h)
    )
    south = player.events_between(start, stop, fronts=["South"])
    assert south and {e.front for e in south} == {"South"}
    assert len(south) == sum(1 for e in events if e.front == "South")


def test_a_card_shows_nothing_from_the_future(run: Any) -> None:
    player, records = run
    reader = TimeReader(player.start)
    record = next(r for r in records if r["outcome"] == "EVACUATED" and len(r["timeline"]) >= 6)
    arrival = reader.seconds(record["timeline"][1]["time"])
    minute = (arrival + 30) / 60
    card = player.card_at(record, minute)
    assert card is not None and card["outcome"] is None
    moment = player.start + timedelta(seconds=arrival + 30)
    for key in ("timeline", "vitals", "treatments", "handovers", "medevac_requests"):
        times = [datetime.fromisoformat(item["time"]) for item in card[key]]
        assert all(t <= moment for t in times)
        assert all(item["time"].endswith("+02:00") for item in card[key])  # the scenario's zone
    assert len(card["timeline"]) == 2 and card["place"] == record["timeline"][1]["facility"]
    assert card["triage"] == record["timeline"][1].get("triage", record["triage"])
    assert len(card["handovers"]) == 1
    before = (reader.seconds(record["injury_time"]) - 60) / 60
    assert player.card_at(record, before) is None
    after = player.card_at(record, reader.seconds(record["outcome_time"]) / 60)
    assert after is not None and after["outcome"] == "EVACUATED"
    for key in ("timeline", "vitals", "treatments", "handovers", "medevac_requests"):
        assert [{**item, "time": None} for item in after[key]] == [
            {**item, "time": None} for item in record[key]
        ]


@pytest.mark.django_db(transaction=True)
def test_a_completed_job_plays_back(completed_job: Any) -> None:
    job = completed_job(formats=("csv",), total_patients=200)
    state = playback.state_at(job, 24 * 60)
    assert sum(c.present for c in state.places) == len(state.casualties) > 0
    someone = state.casualties[0]
    card = playback.card_at(job, someone.id, 24 * 60)  # CSV only: made again by the engine
    assert card is not None and card["id"] == someone.id and card["front"] == someone.front
    assert playback.card_at(job, "EX-NOPE-0000001", 100) is None
    assert playback.events_between(job, 0, 24 * 60)


@pytest.mark.django_db
def test_a_job_without_playback_says_so(make_job: Any) -> None:
    with pytest.raises(playback.PlaybackUnavailable):
        playback.state_at(make_job(total_patients=10), 0)


def test_state_can_list_only_some_and_still_count_everyone(run: Any) -> None:
    player, _ = run
    everyone = player.state_at(2000)
    at_r1 = [c for c in everyone.casualties if c.place == "R1" and c.front == "North"]
    chosen = player.state_at(2000, limit=3, place="R1", front="North")
    assert chosen.present == len(everyone.casualties) and chosen.places == everyone.places
    assert chosen.matching == len(at_r1) > 3
    latest = sorted(at_r1, key=lambda c: (-c.since, c.sequence))[:3]
    assert [c.id for c in chosen.casualties] == [c.id for c in latest]
    assert player.state_at(2000, place="nowhere").matching == 0


def test_latest_events_are_the_last_of_the_window(run: Any) -> None:
    player, _ = run
    every = player.events_between(1000, 1600)
    assert player.events_between(1000, 1600, latest=5) == every[-5:]
