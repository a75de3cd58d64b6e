"""Capacity of care: queues in precedence order, diversion, death of wounds while
waiting, figures in the summary; the bytes without capacity are those of the engine
before capacity existed, and with capacity the same for any chunk size and workers."""

from __future__ import annotations

import hashlib
import io
import json
import math
from array import array
from pathlib import Path
from typing import Any

import pytest

import generation
from generation import capacity
from generation.plan import Plan
from tests.documents import scenario_doc

FINGERPRINT = Path(__file__).parent / "data" / "no_capacity_sha256.json"
FORMATS = ("json", "csv", "ndjson", "fhir")
MINUTE = 60


def _files(document: dict[str, Any], chunk_size: int = 128, workers: int = 1) -> dict[str, str]:
    """SHA-256 of every file a run of `document` writes, at seed 11."""
    scenario = generation.parse_scenario(document)
    files: dict[str, bytes] = {}

    def sink(filename: str) -> io.BytesIO:
        buffer = io.BytesIO()
        buffer.close = lambda: files.__setitem__(filename, buffer.getvalue())  # type: ignore[method-assign]
        return buffer

    generation.generate(  # figures off: summary.json came after the recorded engine
        scenario,
        seed=11,
        sink=sink,
        formats=FORMATS,
        chunk_size=chunk_size,
        workers=workers,
        figures=False,
    )
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


# -- without capacity nothing changes ----------------------------------------------------


@pytest.mark.parametrize("detail", [True, False])
def test_without_capacity_every_preset_writes_the_bytes_of_the_engine_before_capacity(
    detail: bool,
) -> None:
    # Recorded from main's engine, without the capacity work (scripts/
    # record_no_capacity_sha256.py: same documents, seed, formats and chunk size); a
    # preset that now has a capacity section runs without it.
    expected = json.loads(FINGERPRINT.read_text())
    key = "detail" if detail else "plain"
    recorded = sorted({key.split("/")[0] for key in expected})  # presets of that time
    assert len(recorded) == 9
    for name in recorded:
        document = generation.load_preset(name) | {"total_patients": 300, "clinical_detail": detail}
        document.pop("capacity", None)
        for filename, digest in _files(document).items():
            assert expected[f"{name}/{key}/{filename}"] == digest, (name, filename)


def test_unlimited_capacity_is_no_capacity() -> None:
    expected = json.loads(FINGERPRINT.read_text())
    document = generation.load_preset("battalion-exercise") | {"total_patients": 300}
    for section in ("unlimited", {"beds": {"R1": "unlimited"}, "lift": {"R1-R2": "unlimited"}}):
        digests = _files(document | {"capacity": section})
        assert digests == {
            filename: expected[f"battalion-exercise/detail/{filename}"] for filename in digests
        }


# -- validation -------------------------------------------------------------------------


def _issues(section: Any) -> list[str]:
    with pytest.raises(generation.ScenarioError) as error:
        generation.parse_scenario(scenario_doc(capacity=section))
    return [str(issue) for issue in error.value.issues]


def test_bad_capacities_are_errors_naming_the_field() -> None:
    issues = _issues(
        {
            "beds": {"R2": 0, "R7": 3},
            "teams": {"R1": 1.5},
            "case_minutes": {"R2": -5},
            "lift": {
                "R2-R9": {},
                "R1-R2": {"boat": {"vehicles": 1}},
                "POI-R1": {"air": {"vehicles": 2}},
            },
            "scope": "galaxy",
            "colour": "red",
        }
    )
    assert any(i.startswith("capacity.beds.R2: must be a whole number") for i in issues)
    assert any(i.startswith("capacity.beds.R7: unknown role") for i in issues)
    assert any(i.startswith("capacity.teams.R1: must be a whole number") for i in issues)
    assert any(
        i.startswith("capacity.case_minutes.R2: must be a number of minutes") for i in issues
    )
    assert any(i.startswith("capacity.lift.R2-R9: unknown leg") for i in issues)
    assert any(i.startswith("capacity.lift.R1-R2.boat: unknown mode") for i in issues)
    # Air lift alone carries only urgent casualties by default: the others could not move.
    assert "capacity.lift.POI-R1: no mode carries routine casualties; add one that does" in issues
    assert any(i.startswith("capacity.scope: must be one of theatre, front") for i in issues)
    assert any(i.startswith("capacity.colour: unknown key") for i in issues)


def test_a_capacity_section_round_trips_with_its_defaults_filled_in() -> None:
    section = {"beds": {"R2": 12}, "lift": {"R1-R2": {"ground": {"vehicles": 3}}}}
    scenario = generation.parse_scenario(scenario_doc(capacity=section))
    document = scenario.to_dict()["capacity"]
    assert document["beds"] == {"R2": 12}
    assert document["case_minutes"] == {"R1": 30.0, "R2": 120.0, "R3": 150.0}
    assert document["lift"]["R1-R2"]["ground"]["patients_per_trip"] == 4
    assert generation.parse_scenario(scenario.to_dict()) == scenario


# -- hand-made casualties through the queues ------------------------------------------


def _hand_made(plan: Plan, specs: list[dict[str, Any]]) -> capacity._Simulation:
    """The capacity pass over casualties whose journeys the test writes itself."""
    assert plan.scenario.capacity is not None
    simulation = capacity._Simulation(plan, plan.scenario.capacity)

    def make_trip(index: int) -> capacity._Trip:
        spec = specs[index]
        trip = capacity._Trip(index, plan.times[index], 0)
        trip.add(trip.t0, "POI", "injury")
        for role, transit, stay in spec["route"]:
            trip.leg(role, transit, stay)
        trip.outcome = spec.get("outcome", "RTD")
        trip.precedence = spec.get("precedence", "routine")
        trip.rank = capacity._RANK[trip.precedence]
        trip.surgical = spec.get("surgical", False)
        trip.threshold = spec.get("threshold", capacity.NEVER)
        return trip

    simulation.make_trip = make_trip
    return simulation


def _run(section: dict[str, Any], roles: list[str], trips: list[dict[str, Any]]) -> Any:
    scenario = generation.parse_scenario(
        scenario_doc(total_patients=len(trips), capacity=section, care={"roles": roles})
    )
    plan = generation.make_plan(scenario, 3)
    plan.times = array("i", [trip["at"] for trip in trips])
    return _hand_made(plan, trips).run()


def _timeline(columns: Any, index: int) -> list[tuple[int, str, str]]:
    return columns.timeline(index)[0]


def test_one_bed_two_arrivals_the_second_waits_exactly_until_the_first_leaves() -> None:
    trip = {"at": 0, "route": [("R1", 10 * MINUTE, 60 * MINUTE)]}
    columns = _run({"beds": {"R1": 1}}, ["R1"], [trip, dict(trip)])
    assert _timeline(columns, 0) == [
        (0, "POI", "injury"),
        (600, "R1", "arrival"),
        (4200, "R1", "rtd"),
    ]
    # Held at the point of injury until the bed is free at 4200, then the same 10 minutes.
    assert _timeline(columns, 1) == [
        (0, "POI", "injury"),
        (1, "POI", "waiting_for_evacuation"),
        (4800, "R1", "arrival"),
        (8400, "R1", "rtd"),
    ]
    beds = columns.report["resources"][0]
    assert (beds["name"], beds["longest_wait_minutes"], beds["max_queue"]) == ("R1 beds", 70, 1)


def test_urgent_beats_routine_in_a_queue() -> None:
    holder = {"at": 0, "route": [("R1", 10 * MINUTE, 60 * MINUTE)]}
    routine = {"at": 100, "route": [("R1", 10 * MINUTE, 60 * MINUTE)], "precedence": "routine"}
    urgent = {"at": 200, "route": [("R1", 10 * MINUTE, 60 * MINUTE)], "precedence": "urgent"}
    columns = _run({"beds": {"R1": 1}}, ["R1"], [holder, routine, urgent])
    # The bed frees at 4200: the urgent casualty, asking later, has it first.
    assert (4800, "R1", "arrival") in _timeline(columns, 2)
    # The routine one has the bed once the urgent one leaves it (4800 + 3600), 10 min later.
    assert (4800 + 3600 + 600, "R1", "arrival") in _timeline(columns, 1)


def test_simultaneous_requests_are_served_by_precedence_not_by_order() -> None:
    routine = {"at": 0, "route": [("R1", 5 * MINUTE, 30 * MINUTE)], "precedence": "routine"}
    surgical = {
        "at": 0,
        "route": [("R1", 5 * MINUTE, 30 * MINUTE)],
        "precedence": "urgent_surgical",
    }
    columns = _run({"beds": {"R1": 1}}, ["R1"], [routine, surgical])
    assert _timeline(columns, 1)[1] == (300, "R1", "arrival")
    assert _timeline(columns, 0)[1][2] == "waiting_for_evacuation"


def test_a_full_role_diverts_to_the_next_role_with_room() -> None:
    trip = {"at": 0, "route": [("R1", 10 * MINUTE, 60 * MINUTE)]}
    columns = _run({"beds": {"R1": 1, "R2": 5}}, ["R1", "R2"], [trip, dict(trip)])
    diverted = _timeline(columns, 1)
    assert [(place, event) for _, place, event in diverted] == [
        ("POI", "injury"),
        ("R2", "arrival"),
        ("R2", "rtd"),
    ]
    assert diverted[1][0] > 10 * MINUTE  # the R1-R2 leg is added to the way there
    assert columns.report["diverted"] == 1


def test_a_full_chain_holds_the_casualty_where_it_is() -> None:
    first = {
        "at": 0,
        "route": [("R1", 10 * MINUTE, 30 * MINUTE), ("R2", 30 * MINUTE, 120 * MINUTE)],
    }
    second = {
        "at": 0,
        "route": [("R1", 10 * MINUTE, 30 * MINUTE), ("R2", 30 * MINUTE, 120 * MINUTE)],
    }
    third = {"at": 0, "route": [("R1", 10 * MINUTE, 30 * MINUTE)]}
    columns = _run({"beds": {"R1": 2, "R2": 1}}, ["R1", "R2"], [first, second, third])
    # The second leaves R1 for R2 only when the first has left R2: it is held at R1.
    held = _timeline(columns, 1)
    assert (40 * MINUTE, "R1", "waiting_for_evacuation") in held
    first_left = _timeline(columns, 0)[-1][0]
    assert (first_left, "R1", "departure") in held


def test_waiting_for_a_surgical_team_and_dying_of_wounds_while_waiting() -> None:
    section = {"teams": {"R2": 1}, "case_minutes": {"R2": 120}}
    operated = {
        "at": 0,
        "route": [("R2", 30 * MINUTE, 300 * MINUTE)],
        "surgical": True,
        "precedence": "urgent_surgical",
    }
    waits = {
        "at": 0,
        "route": [("R2", 30 * MINUTE, 300 * MINUTE)],
        "surgical": True,
        "precedence": "urgent",
    }
    dies = dict(waits, threshold=60 * MINUTE)
    columns = _run(section, ["R2"], [operated, waits, dies])
    assert columns.surgery[0] == 30 * MINUTE
    assert _timeline(columns, 1)[2] == (30 * MINUTE + 1, "R2", "waiting_for_surgery")
    assert columns.surgery[1] == 150 * MINUTE  # after the first case's 120 minutes
    last = _timeline(columns, 2)[-1]
    assert last == (90 * MINUTE, "R2", "death")  # an hour into its wait
    assert columns.timeline(2)[1] == "DOW" and columns.surgery[2] == -1
    assert columns.report["dow_from_waiting"] == 1


# -- the whole engine with capacity --------------------------------------------------------


STRAINED = {
    "beds": {"R1": 40, "R2": 60, "R3": 300},
    "teams": {"R1": 4, "R2": 2, "R3": 4},
    "lift": {
        "POI-R1": {"ground": {"vehicles": 8}, "air": {"vehicles": 1}},
        "R1-R2": {"ground": {"vehicles": 4}, "air": {"vehicles": 1}},
    },
}


def test_records_carry_the_waits_and_the_summary_where_care_ran_out() -> None:
    document = scenario_doc(total_patients=2000, days=2, intensity="high", capacity=STRAINED)
    scenario = generation.parse_scenario(document)
    plan = generation.make_plan(scenario, 5)
    records = generation.generate_chunk(plan, 0, plan.total)
    events = {step["event"] for record in records for step in record["timeline"]}
    assert {"waiting_for_evacuation", "waiting_for_surgery", "waiting_for_treatment"} <= events
    for record in records:
        times = [step["time"] for step in record["timeline"]]
        assert times == sorted(times) and len(set(times)) == len(times), record["id"]
        assert record["outcome_time"] == times[-1]
        if record["outcome"] == "KIA":
            assert record["minutes_to_first_care"] is None
    waited = [r for r in records if any(s["event"] == "waiting_for_surgery" for s in r["timeline"])]
    assert all(r["minutes_to_surgery"] is not None or r["outcome"] == "DOW" for r in waited)
    report = plan.care.report
    r2_teams = next(r for r in report["resources"] if r["name"] == "R2 surgical teams")
    assert r2_teams["hours_at_capacity"] > 0 and r2_teams["longest_wait_minutes"] > 0
    assert max(r2_teams["utilisation_by_day"]) == 100.0


def test_capacity_runs_are_the_same_for_any_chunk_size_and_workers_fhir_included() -> None:
    document = scenario_doc(total_patients=600, days=2, intensity="high", capacity=STRAINED)
    one = _files(document, chunk_size=1000, workers=1)
    assert one == _files(document, chunk_size=37, workers=2)
    assert one == _files(document, chunk_size=1, workers=1)


def test_the_manifest_summary_says_where_care_ran_out() -> None:
    document = scenario_doc(total_patients=800, days=1, intensity="high", capacity=STRAINED)
    scenario = generation.parse_scenario(document)
    result = generation.generate(
        scenario, seed=3, sink=lambda name: io.BytesIO(), formats=("csv",), chunk_size=100
    )
    figures = result.summary["capacity"]
    assert figures["scope"] == "theatre"
    names = [resource["name"] for resource in figures["resources"]]
    assert "R2 beds" in names and "POI-R1 lift (8 ground + 1 air)" in names
    # Every death of wounds is one unlimited care would have had, or one waiting caused.
    dow = figures["dow_unlimited"] + figures["dow_from_waiting"]
    assert result.summary["by_outcome"]["DOW"] == dow


def test_less_surgical_capacity_means_more_deaths_of_wounds() -> None:
    """20,000 casualties over 60 days at one seed, with 4 or 12 surgical teams at Role 2
    and 3: a two-proportion z-test on deaths of wounds among those who reached care."""

    def dow_share(teams: int) -> tuple[int, int]:
        section = {"teams": {"R2": teams, "R3": teams}}
        document = scenario_doc(
            total_patients=20_000,
            days=60,
            intensity="high",
            capacity=section,
            injury_mix={"battle_injury": 0.8, "non_battle_injury": 0.1, "disease": 0.1},
        )
        plan = generation.make_plan(generation.parse_scenario(document), 20_000)
        columns = capacity.simulate(plan)
        outcomes = [capacity.OUTCOMES[code] for code in columns.outcome]
        reached = sum(1 for o in outcomes if o != "KIA")
        return sum(1 for o in outcomes if o == "DOW"), reached

    few, n_few = dow_share(4)
    many, n_many = dow_share(12)
    p_few, p_many = few / n_few, many / n_many
    pooled = (few + many) / (n_few + n_many)
    z = (p_few - p_many) / math.sqrt(pooled * (1 - pooled) * (1 / n_few + 1 / n_many))
    assert z > 3, (few, many, z)


def test_fhir_encounters_carry_the_waits_and_validate() -> None:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    from generation.writers import fhir

    document = scenario_doc(total_patients=1500, days=1, intensity="high", capacity=STRAINED)
    plan = generation.make_plan(generation.parse_scenario(document), 5)
    records = generation.generate_chunk(plan, 0, plan.total)
    waited = [
        r
        for r in records
        if any(
            s["event"].startswith("waiting_for") and s["facility"] != "POI" for s in r["timeline"]
        )
    ][:40]
    assert waited
    seen = set()
    for line in fhir.render_fhir(waited).decode().splitlines():
        bundle = json.loads(line)
        Bundle.model_validate(bundle)
        for entry in bundle["entry"]:
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            for status in resource.get("statusHistory", []):
                seen.add((status["status"], status["extension"][0]["valueCode"]))
                period = status["period"]
                assert resource["period"]["start"] <= period["start"] <= period.get("end", "Z")
    assert ("in-progress", "waiting_for_evacuation") in seen
    assert ("arrived", "waiting_for_surgery") in seen


def test_each_front_has_its_own_facilities_with_scope_front() -> None:
    section = {"scope": "front", "beds": {"R2": 5}, "teams": {"R2": 1}}
    document = scenario_doc(total_patients=600, days=1, intensity="high", capacity=section)
    plan = generation.make_plan(generation.parse_scenario(document), 9)
    columns = capacity.simulate(plan)
    fronts = [(r["name"], r["front"]) for r in columns.report["resources"]]
    assert fronts == [
        ("R2 beds", "North"),
        ("R2 beds", "South"),
        ("R2 surgical teams", "North"),
        ("R2 surgical teams", "South"),
    ]
    assert all(r["peak"] <= r["capacity"] for r in columns.report["resources"])
    assert sum(r["served"] for r in columns.report["resources"] if r["kind"] == "beds") > 0


def test_the_pass_run_a_range_at_a_time_settles_the_same_columns() -> None:
    # With render workers the calling process runs the pass stepwise and sends slices.
    document = scenario_doc(total_patients=900, days=1, intensity="high", capacity=STRAINED)
    scenario = generation.parse_scenario(document)
    whole = capacity.simulate(generation.make_plan(scenario, 4))
    stepwise = capacity.stepwise(generation.make_plan(scenario, 4))
    for start, stop in ((0, 1), (1, 250), (250, 251), (251, 900)):
        stepwise.advance(stop)
        part = stepwise.out.slice(start, stop)
        for index in range(start, stop):
            assert part.timeline(index) == whole.timeline(index)
            assert part.care_times(index) == whole.care_times(index)
    assert stepwise.result().report == whole.report


def test_no_treatment_at_a_role_is_given_while_waiting_for_its_team() -> None:
    from datetime import datetime, timedelta

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    document = scenario_doc(total_patients=1500, days=1, intensity="high", capacity=STRAINED)
    plan = generation.make_plan(generation.parse_scenario(document), 5)
    checked = 0
    for record in generation.generate_chunk(plan, 0, plan.total):
        assert record["treatments"] == sorted(record["treatments"], key=lambda t: t["time"])
        for step in record["timeline"]:
            if step["event"] not in ("waiting_for_treatment", "waiting_for_surgery"):
                continue
            field = "minutes_to_surgery" if "surgery" in step["event"] else "minutes_to_first_care"
            if record[field] is None:
                continue  # died waiting
            # Care began at injury + that many whole minutes (and less than a minute more).
            began = at(record["injury_time"]) + timedelta(minutes=record[field])
            for treatment in record["treatments"]:
                if treatment["facility"] == step["facility"] and treatment["time"] >= step["time"]:
                    checked += 1
                    assert at(treatment["time"]) >= began, (record["id"], treatment)
    assert checked > 50
