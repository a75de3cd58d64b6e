"""CBRN by agent: the scenario names the agent; its casualties carry that agent's
mechanism and conditions only, die at the sourced rate, and biological agents make
people ill days after the release."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from typing import Any

import pytest

import generation
from generation import reference
from tests.engine.conftest import records_for

SIZE = 20_000


@cache
def attack(agent: str, size: int = SIZE) -> list[dict[str, Any]]:
    """The CBRN casualties of the cbrn-incident preset with this agent."""
    document = generation.load_preset("cbrn-incident")
    document["total_patients"] = size
    document["cbrn_agent"] = agent
    document["clinical_detail"] = agent == "nerve"  # treatments are checked for nerve only
    records = records_for(generation.parse_scenario(document), seed=9)
    return [r for r in records if r["warfare_type"] == "cbrn" and r["category"] == "battle_injury"]


def mortality(records: list[dict[str, Any]]) -> float:
    return sum(r["outcome"] in ("KIA", "DOW") for r in records) / len(records)


def test_the_preset_is_a_nerve_agent_attack_with_about_two_per_cent_mortality() -> None:
    assert generation.load_preset("cbrn-incident")["cbrn_agent"] == "nerve"
    casualties = attack("nerve")
    assert len(casualties) > 10_000
    assert {r["mechanism"] for r in casualties} == {"chemical"}  # no blast, bug or isotope
    # gas case mortality 0.02, WWI armies 0.013-0.045 (CALIBRATION.md B17/B18)
    assert 0.013 <= mortality(casualties) <= 0.03


def test_nerve_agent_casualties_show_the_cholinergic_crisis_and_get_the_antidote() -> None:
    casualties = [r for r in attack("nerve") if r["outcome"] != "KIA"]
    codes = Counter(c["code"] for r in casualties for c in r["conditions"])
    assert codes["133261000119105"] == len(casualties)  # all exposed
    for sign in ("4386001", "48867003", "91175000", "409622000"):  # bronchospasm ... failure
        assert codes[sign] > 0.02 * len(casualties), sign
    assert not codes.keys() & {"409498004", "58750007", "218190002"}  # no bio/rad mixed in
    severe = [r for r in casualties if r["triage"] == "T1"]
    crisis = {"409622000", "91175000", "4386001", "48867003"}
    with_signs = sum(any(c["code"] in crisis for c in r["conditions"]) for r in severe)
    assert with_signs > 0.95 * len(severe)
    # the autoinjector (drug administration: atropine) at the point of injury, minutes after
    # exposure
    treated = [r for r in casualties if any(_atropine_at_poi(t) for t in r["treatments"])]
    assert len(treated) > 0.9 * len(casualties)
    for r in treated[:500]:
        given = next(t for t in r["treatments"] if _atropine_at_poi(t))
        delay = _hours(r["injury_time"], given["time"]) * 60
        assert 0 < delay <= 6


def _atropine_at_poi(treatment: dict[str, Any]) -> bool:
    return (
        treatment["code"] == "18629005"  # Administration of drug or medicament
        and treatment["facility"] == "POI"
        and treatment.get("medication") == {"code": "372832002", "display": "Atropine"}
    )


def test_only_nerve_agent_casualties_get_atropine() -> None:
    """The antidote belongs to the nerve agent (TCCC: the autoinjector for nerve-agent
    casualties); choking-agent casualties of the same attack never get it."""
    document = generation.load_preset("cbrn-incident")
    document["total_patients"] = 3000
    document["cbrn_agent"] = "choking"
    records = records_for(generation.parse_scenario(document), seed=9)
    assert not any(
        t.get("medication", {}).get("code") == "372832002" for r in records for t in r["treatments"]
    )


@pytest.mark.parametrize(
    ("agent", "mechanism", "signature", "low", "high"),
    [
        ("blister", "chemical", "426284001", 0.005, 0.03),  # chemical burn
        ("choking", "chemical", "19242006", 0.02, 0.06),  # pulmonary oedema
        ("blood", "chemical", "409622000", 0.02, 0.06),
        ("radiological", "radiological", "218190002", 0.0, 0.02),
        ("anthrax", "biological", "409498004", 0.15, 0.3),
    ],
)
def test_each_agent_has_its_own_mechanism_conditions_and_lethality(
    agent: str, mechanism: str, signature: str, low: float, high: float
) -> None:
    casualties = attack(agent, 8_000)
    assert {r["mechanism"] for r in casualties} == {mechanism}
    marked = sum(any(c["code"] == signature for c in r["conditions"]) for r in casualties)
    assert marked > 0.1 * len(casualties)
    assert low <= mortality(casualties) <= high


def _hours(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 3600


@pytest.mark.parametrize("agent", ["anthrax", "botulism", "smallpox"])
def test_biological_casualties_fall_ill_after_the_incubation(agent: str) -> None:
    low, _, high = reference.cbrn()["agents"][agent]["incubation_hours"]
    casualties = attack(agent, 4_000)
    assert not any(r["outcome"] == "KIA" for r in casualties)  # nobody dies at the release
    for r in casualties:
        first_care = _hours(r["timeline"][0]["time"], r["timeline"][1]["time"])
        assert low <= first_care <= high + 24, (r["id"], first_care)


def test_an_unknown_agent_is_rejected_naming_the_field() -> None:
    document = generation.load_preset("cbrn-incident")
    document["cbrn_agent"] = "ricin"
    with pytest.raises(generation.ScenarioError) as caught:
        generation.parse_scenario(document)
    assert "cbrn_agent" in str(caught.value)
