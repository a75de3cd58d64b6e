"""With capacity, a casualty is drawn exactly as without: the diseases of its sex, and a
biological agent's casualties ill only after the incubation (care_draws.draw_injury is
the one draw of both paths; the sex is the record's, people.nation_and_sex)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest

import generation
from generation import reference
from tests.engine.conftest import records_for

# Roomy but finite: the capacity pass runs, and nobody waits long.
ROOMY = {
    "beds": {"R1": 100_000, "R2": 100_000, "R3": 100_000},
    "teams": {"R1": 10_000, "R2": 10_000, "R3": 10_000},
}
WOMEN_ONLY = ("266599000", "72934000")
MEN_ONLY = ("31070006",)


def run(preset: str, size: int, capacity: dict[str, Any] | None, **changes: Any) -> list[Any]:
    document = generation.load_preset(preset)
    document.pop("capacity", None)
    document.update(total_patients=size, clinical_detail=False, **changes)
    if capacity is not None:
        document["capacity"] = capacity
    return records_for(generation.parse_scenario(document), seed=8)


@pytest.mark.parametrize("capacity", [None, ROOMY])
def test_sex_specific_diseases_follow_the_records_sex(capacity: dict[str, Any] | None) -> None:
    records = run(
        "battalion-exercise",
        6_000,
        capacity,
        demographics={"female_share": 0.3},
        injury_mix={"battle_injury": 0.1, "non_battle_injury": 0.1, "disease": 0.8},
    )
    by_sex: dict[str, Counter[str]] = {"female": Counter(), "male": Counter()}
    for r in records:
        by_sex[r["sex"]].update(c["code"] for c in r["conditions"])
    for code in WOMEN_ONLY:
        assert by_sex["female"][code] > 0 and by_sex["male"][code] == 0, code
    for code in MEN_ONLY:
        assert by_sex["male"][code] > 0 and by_sex["female"][code] == 0, code


def _hours(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 3600


@pytest.mark.parametrize("capacity", [None, ROOMY])
def test_biological_casualties_fall_ill_after_the_incubation(
    capacity: dict[str, Any] | None,
) -> None:
    low, _, high = reference.cbrn()["agents"]["anthrax"]["incubation_hours"]
    records = run("cbrn-incident", 3_000, capacity, cbrn_agent="anthrax")
    exposed = [r for r in records if r["warfare_type"] == "cbrn"]
    exposed = [r for r in exposed if r["category"] == "battle_injury"]
    assert len(exposed) > 100
    assert not any(r["outcome"] == "KIA" for r in exposed)  # nobody dies at the release
    for r in exposed:
        first_care = _hours(r["timeline"][0]["time"], r["timeline"][1]["time"])
        assert low <= first_care <= high + 24, (r["id"], first_care)
        if capacity is not None:
            assert r["minutes_to_first_care"] >= low * 60  # counted from the exposure
