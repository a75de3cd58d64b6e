"""Timelines and outcomes: order, windows, and the rules every outcome obeys."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import generation
from tests.engine.conftest import records_for, scenario

ORDER = {"POI": 0, "R1": 1, "R2": 2, "R3": 3, "R4": 4}


def seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def test_timelines_strictly_increase_and_visit_roles_in_order(
    default_run: list[dict[str, Any]],
) -> None:
    for r in default_run:
        times = [seconds(step["time"]) for step in r["timeline"]]
        assert all(a < b for a, b in itertools.pairwise(times)), r["id"]
        ranks = [ORDER[step["facility"]] for step in r["timeline"]]
        assert ranks == sorted(ranks), r["id"]
        assert r["timeline"][0] == {"time": r["injury_time"], "facility": "POI", "event": "injury"}
        assert r["timeline"][-1]["time"] == r["outcome_time"]


def test_outcome_rules_hold(default_run: list[dict[str, Any]]) -> None:
    for r in default_run:
        last = r["timeline"][-1]
        facilities = {step["facility"] for step in r["timeline"]}
        if r["outcome"] == "KIA":
            assert (
                r["outcome_facility"] is None and facilities == {"POI"} and last["event"] == "death"
            )
            assert r["category"] == "battle_injury" and r["triage"] == "DEAD"
        elif r["outcome"] == "DOW":
            assert r["outcome_facility"] in ("R1", "R2", "R3") and last == {
                "time": r["outcome_time"],
                "facility": r["outcome_facility"],
                "event": "death",
            }
        elif r["outcome"] == "RTD":
            assert r["outcome_facility"] in ("R1", "R2", "R3") and last["event"] == "rtd"
        else:
            assert r["outcome"] == "EVACUATED" and r["outcome_facility"] == "R4"
            assert last["facility"] == "R4" and last["event"] == "arrival"
        assert r["triage"] in ("T1", "T2", "T3", "T4", "DEAD")


def test_it_skips_roles_the_scenario_does_not_have() -> None:
    records = records_for(scenario(total_patients=2000, care={"roles": ["R2", "R3"]}))
    for r in records:
        assert not {"R1", "R4"} & {step["facility"] for step in r["timeline"]}
        assert r["outcome_facility"] in (None, "R2", "R3")


def test_it_draws_first_transit_from_the_configured_window() -> None:
    window = {p: [100, 110, 120] for p in ("urgent", "urgent_surgical", "priority", "routine")}
    sc = scenario(
        total_patients=3000, care={"transit": {"POI-R1": window}, "roles": ["R1", "R2", "R3", "R4"]}
    )
    for r in records_for(sc):
        first, second = r["timeline"][0], r["timeline"][1]
        if second["facility"] == "R1":
            minutes = (seconds(second["time"]) - seconds(first["time"])) / 60
            assert 100 <= minutes <= 120


def test_environment_delays_evacuation() -> None:
    def mean_first_transit(environment: list[str]) -> float:
        records = records_for(scenario(total_patients=4000, environment=environment), seed=3)
        gaps = [
            seconds(r["timeline"][1]["time"]) - seconds(r["injury_time"])
            for r in records
            if r["outcome"] != "KIA"
        ]
        return sum(gaps) / len(gaps)

    assert mean_first_transit(["storm"]) > 1.3 * mean_first_transit([])


def test_every_record_is_marked_as_exercise_data(default_run: list[dict[str, Any]]) -> None:
    assert all(r["exercise"] is True and r["id"].startswith("EX-") for r in default_run)
    assert len({r["id"] for r in default_run}) == len(default_run)
    assert [r["sequence"] for r in default_run] == list(range(1, len(default_run) + 1))


def test_heat_brings_heat_injuries_without_changing_the_mix() -> None:
    hot = records_for(scenario(total_patients=6000, environment=["extreme_heat"]), seed=4)
    mild = records_for(scenario(total_patients=6000), seed=4)
    heat_codes = {"89797005", "34095006", "72658003"}

    def heat_share(records: list[dict[str, Any]]) -> float:
        nbi = [r for r in records if r["category"] == "non_battle_injury"]
        return sum(r["conditions"][0]["code"] in heat_codes for r in nbi) / len(nbi)

    assert heat_share(hot) > heat_share(mild) + 0.15
    assert abs(sum(r["category"] == "battle_injury" for r in hot) - 3600) < 200


def test_person_fields_are_consistent(default_run: list[dict[str, Any]]) -> None:
    for r in default_run[:2000]:
        born = datetime.fromisoformat(r["birth_date"]).date()
        injured = datetime.fromisoformat(r["injury_time"].replace("Z", "+00:00")).date()
        age = injured.year - born.year - ((injured.month, injured.day) < (born.month, born.day))
        assert age == r["age"]
        assert r["blood_group"] in {"O+", "O-", "A+", "A-", "B+", "B-", "AB+", "AB-"}
        assert r["rank"].startswith(("OR-", "OF-"))
        assert r["name"]["given"] and r["name"]["family"] and r["service_number"]


def test_it_genders_family_names_where_the_language_does() -> None:
    sc = scenario(
        total_patients=3000,
        fronts=[{"name": "A", "share": 1, "nationalities": {"POL": 1}}],
        demographics={"female_share": 0.5},
    )
    women = [r["name"]["family"] for r in records_for(sc) if r["sex"] == "female"]
    men = [r["name"]["family"] for r in records_for(sc) if r["sex"] == "male"]
    assert not any(name.endswith("ski") for name in women)
    assert any(name.endswith("ska") for name in women) and any(name.endswith("ski") for name in men)


def test_a_scenario_can_be_all_disease() -> None:
    sc = generation.parse_scenario(
        {
            "total_patients": 300,
            "injury_mix": {"battle_injury": 0, "non_battle_injury": 0, "disease": 1},
        }
    )
    records = records_for(sc)
    assert {r["category"] for r in records} == {"disease"}
    assert "KIA" not in {r["outcome"] for r in records}
