"""The scenario document: defaults, normalisation, and every error at once."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import generation
from tests.engine.conftest import scenario, scenario_doc


def errors(**overrides: object) -> list[str]:
    with pytest.raises(generation.ScenarioError) as caught:
        generation.parse_scenario(scenario_doc(**overrides))
    return [str(issue) for issue in caught.value.issues]


def test_it_fills_defaults_for_a_minimal_document() -> None:
    sc = generation.parse_scenario({"total_patients": 10})
    assert sc.days == 8
    assert sc.start.isoformat() == "2026-03-02T06:00:00+00:00"
    assert dict(sc.warfare) == {"conventional": 1.0}
    assert sc.care.roles == ("R1", "R2", "R3", "R4")


def test_it_accepts_percentages_summing_to_100() -> None:
    sc = scenario(injury_mix={"battle_injury": 60, "non_battle_injury": 15, "disease": 25})
    assert dict(sc.injury_mix) == pytest.approx(
        {"battle_injury": 0.6, "non_battle_injury": 0.15, "disease": 0.25}
    )


def test_it_rejects_shares_that_do_not_sum_to_one() -> None:
    assert errors(injury_mix={"battle_injury": 0.6, "non_battle_injury": 0.1, "disease": 0.2}) == [
        "injury_mix: shares sum to 0.9, expected 1 (or 100 as percentages)"
    ]


def test_it_names_an_unknown_nation_by_path() -> None:
    fronts = scenario_doc()["fronts"]
    fronts[1]["nationalities"] = {"FIN": 0.5, "XYZ": 0.5}
    assert (
        "fronts[1].nationalities.XYZ: unknown nation (use ISO 3166-1 alpha-3 of a NATO member)"
        in errors(fronts=fronts)
    )


def test_it_reports_every_problem_at_once() -> None:
    found = errors(
        total_patients=0,
        days=61,
        start="2026-03-02T06:00:00",
        warfare={"laser": 1},
        intensity="apocalyptic",
        tempo="random",
        environment=["volcano"],
        special_events=[{"type": "parade", "size": [5, 2]}],
        colour="red",
    )
    paths = [line.split(":")[0] for line in found]
    assert paths == [
        "colour",
        "total_patients",
        "days",
        "start",
        "warfare.laser",
        "intensity",
        "tempo",
        "special_events[0].type",
        "special_events[0].size",
        "environment[0]",
    ]


def test_it_rejects_front_shares_that_do_not_add_up() -> None:
    fronts = scenario_doc()["fronts"]
    fronts[0]["share"] = 0.5
    assert errors(fronts=fronts) == [
        "fronts: shares sum to 0.9, expected 1 (or 100 as percentages)"
    ]


def test_it_rejects_special_events_larger_than_the_run() -> None:
    found = errors(
        total_patients=10, special_events=[{"type": "ambush", "day": 1, "size": [20, 30]}]
    )
    assert found == [
        "special_events: their minimum sizes add up to 20, more than total_patients (10)"
    ]


def test_it_rejects_a_special_event_after_the_last_day() -> None:
    assert errors(days=3, special_events=[{"type": "ambush", "day": 5, "size": [2, 3]}]) == [
        "special_events[0].day: must be between 1 and 3, got 5"
    ]


def test_it_validates_care_overrides() -> None:
    found = errors(care={"roles": ["R4"], "transit": {"POI-R1": {"urgent": [50, 10]}}})
    assert "care.roles: needs at least one of R1, R2, R3 in theatre" in found
    assert "care.transit.POI-R1.urgent: must satisfy min <= mode <= max" in found


def test_it_applies_a_transit_override_and_keeps_other_defaults() -> None:
    sc = scenario(care={"transit": {"POI-R1": {"urgent": [5, 10]}}})
    windows = dict(dict(sc.care.transit)["POI-R1"])
    assert windows["urgent"] == (5, 7.5, 10)
    assert windows["routine"] == (30, 120, 720)


def test_it_round_trips_through_to_dict() -> None:
    sc = scenario(
        special_events=[{"type": "ambush", "day": 2, "size": [3, 9]}], environment=["fog"], seed=5
    )
    assert generation.parse_scenario(sc.to_dict()) == sc


def test_it_rejects_a_document_that_is_not_an_object() -> None:
    with pytest.raises(generation.ScenarioError, match="a scenario must be a JSON object"):
        generation.parse_scenario([1, 2])  # type: ignore[arg-type]


@given(
    st.dictionaries(
        st.text(max_size=12), st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=5))
    )
)
def test_it_never_crashes_on_arbitrary_documents(document: dict[str, object]) -> None:
    try:
        generation.parse_scenario(document)
    except generation.ScenarioError as error:
        assert error.issues and all(str(issue) for issue in error.issues)


def test_key_order_in_the_document_does_not_change_the_scenario_or_the_patients() -> None:
    # PostgreSQL's jsonb reorders object keys: a job read back from the database must be
    # the scenario that was saved (same cache key, same patients), whatever the order.
    document = generation.load_preset("drone-front") | {"total_patients": 200}
    reordered = dict(document)
    reordered["warfare"] = dict(reversed(list(document["warfare"].items())))
    reordered["fronts"] = [
        front | {"nationalities": dict(reversed(list(front["nationalities"].items())))}
        for front in document["fronts"]
    ]
    assert list(reordered["warfare"]) != list(document["warfare"])
    first = generation.parse_scenario(document)
    second = generation.parse_scenario(reordered)
    assert first == second and first.to_dict() == second.to_dict()
    plan, again = generation.make_plan(first, 3), generation.make_plan(second, 3)
    assert generation.generate_chunk(plan, 0, 200) == generation.generate_chunk(again, 0, 200)
