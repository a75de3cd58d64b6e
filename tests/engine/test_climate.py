"""Disease and non-battle injury follow the theatre's climate and season, the casualty's
sex, and the way the injury happened."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import pytest

import generation
from generation import reference
from tests.engine.conftest import records_for

SIZE = 20_000
MALARIA = {"62676009", "27052006"}
TYPHOID, LYME, FLU = "4834000", "23502006", "6142004"
UTI = {"68566005", "38822007"}


@cache
def run(preset: str, **overrides: Any) -> list[dict[str, Any]]:
    document = generation.load_preset(preset)
    document.update(total_patients=SIZE, clinical_detail=False, **overrides)
    return records_for(generation.parse_scenario(document), seed=8)


def codes(records: list[dict[str, Any]], category: str) -> Counter[str]:
    return Counter(c["code"] for r in records if r["category"] == category for c in r["conditions"])


def test_a_baltic_spring_has_no_malaria_or_typhoid_but_ticks() -> None:
    assert generation.parse_scenario(generation.load_preset("battalion-exercise")).climate == (
        "temperate"
    )
    disease = codes(run("battalion-exercise"), "disease")
    assert not MALARIA & disease.keys() and disease[TYPHOID] == 0
    assert disease[LYME] > 0


def test_a_hot_dry_summer_brings_vivax_malaria_typhoid_and_heat_injuries() -> None:
    records = run("counter-insurgency")
    disease = codes(records, "disease")
    assert disease["27052006"] > 5 * disease["62676009"] > 0 or disease["27052006"] > 20
    assert disease[TYPHOID] > 0 and disease[LYME] == 0
    injuries = [r for r in records if r["category"] == "non_battle_injury"]
    heat = sum(r["mechanism"] == "environmental" for r in injuries) / len(injuries)
    assert heat > 0.25


def test_winter_and_summer_differ_in_the_same_place() -> None:
    winter = codes(run("battalion-exercise", start="2026-01-12T05:00:00+02:00"), "disease")
    summer = codes(run("battalion-exercise", start="2026-07-13T05:00:00+03:00"), "disease")
    assert winter[FLU] > 3 * summer[FLU]  # seasonal influenza
    assert winter[LYME] == 0 < summer[LYME]  # ticks rest in winter
    cold_winter = run("battalion-exercise", start="2026-01-12T05:00:00+02:00")
    cold = Counter(c["code"] for r in cold_winter if r["mechanism"] == "environmental"
                   for c in r["conditions"])  # fmt: skip
    assert cold["386689009"] + cold["370977006"] > 0  # hypothermia, frostbite


def test_an_arctic_winter_has_no_tick_disease_and_many_cold_injuries() -> None:
    records = run("artillery-high-intensity")
    assert codes(records, "disease")[LYME] == 0
    injuries = [r for r in records if r["category"] == "non_battle_injury"]
    assert sum(r["mechanism"] == "environmental" for r in injuries) / len(injuries) > 0.2


def test_sex_specific_conditions_and_urinary_infection_in_women() -> None:
    records = [r for r in run("battalion-exercise") if r["category"] == "disease"]
    by_sex: dict[str, Counter[str]] = {"female": Counter(), "male": Counter()}
    for r in records:
        by_sex[r["sex"]].update(c["code"] for c in r["conditions"])
    assert by_sex["female"]["266599000"] > 0 and by_sex["male"]["266599000"] == 0
    assert by_sex["female"]["72934000"] > 0 and by_sex["male"]["72934000"] == 0
    assert by_sex["male"]["31070006"] > 0 and by_sex["female"]["31070006"] == 0
    women = sum(r["sex"] == "female" for r in records)
    men = len(records) - women
    share = {
        sex: sum(by_sex[sex][code] for code in UTI) / n
        for sex, n in (("female", women), ("male", men))
    }
    assert share["female"] > 5 * share["male"]


def test_non_battle_injuries_happen_in_ways_that_fit_them() -> None:
    mechanisms = reference.climate()["nbi_mechanisms"]
    seen: Counter[tuple[str, str]] = Counter()
    for preset in ("battalion-exercise", "counter-insurgency"):
        for r in run(preset):
            if r["category"] != "non_battle_injury":
                continue
            code = r["conditions"][0]["code"]
            seen[(code, r["mechanism"])] += 1
            if code in mechanisms:
                assert r["mechanism"] in mechanisms[code], (code, r["mechanism"])
    assert not any(m in ("fall", "vehicle_accident") for c, m in seen if c == "34095006")
    assert {m for c, m in seen if c == "39848009"} == {"vehicle_accident"}  # whiplash


def test_an_unknown_climate_is_rejected_naming_the_field() -> None:
    document = generation.load_preset("battalion-exercise")
    document["climate"] = "monsoon"
    with pytest.raises(generation.ScenarioError) as caught:
        generation.parse_scenario(document)
    assert "climate" in str(caught.value)
