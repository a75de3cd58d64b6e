"""Casualties a military clinician would not question (issue 15, items 1, 3-7, 12):
vital signs follow the conditions and triage follows the vital signs; procedures fit the
body site; treatments fall inside the stay; outcomes fit the injuries; a 9-line only for
those who must be carried or flown; damage-control surgery mostly within 2 hours; events
inside their day and times as date-time groups."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

import generation
from generation import reference
from tests.engine.conftest import records_for, scenario

Record = dict[str, Any]
PHYSIOLOGY = reference.physiology()
TAGS = reference.clinical()["condition_tags"]
DTG = re.compile(r"^\d{6}[A-IK-Z](JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\d{2}$")


def minutes(a: str, b: str) -> float:
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(b) - parse(a)).total_seconds() / 60


def effect(record: Record, sign: str) -> float:
    """The strongest push of the record's conditions on a sign, from the data tables."""
    values = [0.0]
    for condition in record["conditions"]:
        for tag in TAGS.get(condition["code"], ()):
            values.append(PHYSIOLOGY["effects"].get(tag, {}).get(sign, 0.0))
        values.append(PHYSIOLOGY["condition_effects"].get(condition["code"], {}).get(sign, 0.0))
    return min(values) if values and min(values) < 0 else max(values)


def has_tag(record: Record, *tags: str) -> bool:
    return any(set(tags) & set(TAGS.get(c["code"], ())) for c in record["conditions"])


def sieve(vitals: Record, walking: bool) -> str:
    """The triage sieve as docs/scenarios.md states it, written out again here."""
    if walking:
        return "T3"
    if not 10 <= vitals["respiratory_rate"] <= 29:
        return "T1"
    if vitals["heart_rate"] > 120 or vitals["systolic"] < 90 or vitals["gcs"] < 14:
        return "T1"
    return "T2"


@pytest.fixture(scope="module")
def living(default_run: list[Record]) -> list[Record]:
    return [r for r in default_run if r["outcome"] != "KIA"]


# 1. vital signs from the conditions, triage from the vital signs


def test_triage_is_the_sieve_of_the_signs_at_injury(living: list[Record]) -> None:
    assert len(living) >= 15_000
    for r in living:
        if r["triage"] != "T4":
            assert r["triage"] == sieve(r["vitals"][0], r["transport"] == "ambulatory"), r["id"]


def test_arrivals_are_retriaged_by_the_same_sieve(living: list[Record]) -> None:
    for r in living[:5000]:
        signs = {v["time"]: v for v in r["vitals"] if v["context"] == "arrival"}
        for step in r["timeline"]:
            if step["event"] == "arrival" and step["triage"] != "T4":
                found = sieve(signs[step["time"]], walking=False)
                assert step["triage"] == found or step["triage"] == "T3", r["id"]


def test_no_lowered_consciousness_oxygen_or_temperature_without_a_cause(
    living: list[Record],
) -> None:
    checked = 0
    for r in living:
        if r["triage"] == "T4":  # the unsurvivable decompensate whatever the wound
            continue
        first = r["vitals"][0]
        checked += 1
        if first["gcs"] < 15:
            assert effect(r, "gcs") < 0, (r["id"], r["conditions"])
        if first["spo2"] < 92:
            assert effect(r, "spo2") < 0, (r["id"], r["conditions"])
        if first["temperature"] >= 38.0:
            assert effect(r, "temperature") > 0, (r["id"], r["conditions"])
        if first["temperature"] < 35.5:
            assert effect(r, "temperature") < 0, (r["id"], r["conditions"])
    assert checked > 15_000


def test_conditions_move_the_signs_they_should(living: list[Record]) -> None:
    def firsts(test: Any, key: str) -> list[float]:
        return [r["vitals"][0][key] for r in living if test(r)]

    head = firsts(lambda r: has_tag(r, "tbi") and r["triage"] == "T1", "gcs")
    assert statistics.median(head) <= 9
    chest = firsts(lambda r: has_tag(r, "tension_pneumothorax"), "spo2")
    assert statistics.median(chest) < 92
    bleeding = [r for r in living if has_tag(r, "haemorrhage") and r["triage"] == "T1"]
    tachycardic = [r for r in bleeding if r["vitals"][0]["heart_rate"] > 100]
    assert len(tachycardic) / len(bleeding) > 0.75
    fever = firsts(lambda r: has_tag(r, "fever") and r["triage"] != "T3", "temperature")
    assert statistics.median(fever) >= 38.0


def test_cold_and_heat_set_the_temperature() -> None:
    mix = {"battle_injury": 0, "non_battle_injury": 1, "disease": 0}
    cold = records_for(scenario(total_patients=3000, injury_mix=mix, environment=["extreme_cold"]))
    hypothermia = [r["vitals"][0]["temperature"] for r in cold if has_tag(r, "hypothermia")]
    assert len(hypothermia) > 50 and max(hypothermia) < 35.0  # hypothermia is below 35 °C
    hot = records_for(scenario(total_patients=3000, injury_mix=mix, environment=["extreme_heat"]))
    heat = [r["vitals"][0]["temperature"] for r in hot if has_tag(r, "heat")]
    assert len(heat) > 50 and statistics.median(heat) > 37.0


def test_minor_illness_and_injury_have_normal_signs(living: list[Record]) -> None:
    minor = [
        r
        for r in living
        if r["category"] != "battle_injury"
        and r["triage"] == "T3"
        and all(effect(r, s) == 0 for s in ("gcs", "spo2", "systolic", "temperature"))
    ]
    assert len(minor) > 5000
    for r in minor:
        v = r["vitals"][0]
        assert v["gcs"] == 15 and v["spo2"] >= 95 and v["systolic"] >= 100, r["id"]
        assert 35.9 <= v["temperature"] <= 37.6 and 10 <= v["respiratory_rate"] <= 22
    rates = [r["vitals"][0]["heart_rate"] for r in minor]
    assert statistics.pstdev(rates) > 5  # people differ


def test_acute_stress_is_never_critical(living: list[Record]) -> None:
    stress = [r for r in living if r["conditions"][0]["code"] == "67195008"]
    assert stress and all(r["triage"] in ("T2", "T3") for r in stress)


# 3. procedures fit the body site


def test_amputation_procedures_fit_the_amputated_limb(default_run: list[Record]) -> None:
    regions = {
        code: region
        for region, sites in reference.conditions()["sites"].items()
        for code, _ in sites
    }
    regions.update(PHYSIOLOGY["site_regions"])
    wanted = {"397117006": "lower_limb", "81723002": "upper_limb"}
    counted: Counter[str] = Counter()
    for r in default_run:
        amputated = {
            regions.get(c["body_site"]["code"])
            for c in r["conditions"]
            if "amputation" in TAGS.get(c["code"], ()) and c["body_site"]
        }
        for t in r["treatments"]:
            if t["code"] in wanted:
                assert wanted[t["code"]] in amputated, (r["id"], t, r["conditions"])
                counted[t["code"]] += 1
    assert counted["397117006"] > 50 and counted["81723002"] > 50


def test_every_emitted_procedure_code_is_in_a_table(default_run: list[Record]) -> None:
    known = reference.snomed_terms()
    for r in default_run:
        for t in r["treatments"]:
            assert known[t["code"]] == t["display"]


# 4. every treatment inside its stay, on every preset


def stay_ends(record: Record) -> list[tuple[str, str, str]]:
    """(facility, start, end) of each stay: from the injury or an arrival to the next step
    (the next arrival from the point of injury; departure, return, death or evacuation).
    A wait for care or lift (scenario capacity) is part of the stay."""
    steps = [step for step in record["timeline"] if not step["event"].startswith("waiting_for")]
    return [
        (step["facility"], step["time"], steps[i + 1]["time"])
        for i, step in enumerate(steps[:-1])
        if step["event"] in ("injury", "arrival")
    ]


@pytest.mark.parametrize("preset", generation.preset_names())
def test_every_treatment_falls_inside_its_stay(preset: str) -> None:
    """On every preset; and (item 6) no 9-line for the walking routine sick, a mode of
    movement for every living casualty."""
    document = generation.load_preset(preset)
    document["total_patients"] = min(document["total_patients"], 2000)
    for r in records_for(generation.parse_scenario(document), seed=15):
        if r["outcome"] != "KIA":
            assert r["movement"] in ("on_foot", "unit_vehicle", "ground_ambulance", "air_ambulance")
            walking_routine = r["transport"] == "ambulatory" and r["precedence"] == "routine"
            assert not (walking_routine and r["medevac_requests"]), (preset, r["id"])
        stays = stay_ends(r)
        for t in r["treatments"]:
            assert any(
                place == t["facility"] and start <= t["time"] <= end for place, start, end in stays
            ), (preset, r["id"], t, r["timeline"])


# 5. outcome and disposition follow the injuries


def test_severe_injuries_never_return_to_duty_in_theatre(living: list[Record]) -> None:
    rules = reference.care()["disposition"]
    severe = [
        r
        for r in living
        if any(
            c["code"] in rules["never_rtd_codes"]
            or set(TAGS.get(c["code"], ())) & set(rules["never_rtd_tags"])
            for c in r["conditions"]
        )
    ]
    assert len(severe) > 1000
    assert not [r["id"] for r in severe if r["outcome"] == "RTD"]
    amputees = [r for r in severe if has_tag(r, "amputation") and r["outcome"] == "EVACUATED"]
    operated = [
        r for r in amputees if {"397117006", "81723002"} & {t["code"] for t in r["treatments"]}
    ]
    assert len(operated) / len(amputees) > 0.85


def test_trivial_conditions_never_leave_theatre(living: list[Record]) -> None:
    rules = reference.care()["disposition"]
    trivial = [
        r
        for r in living
        if all(
            c["code"] in rules["stay_in_theatre_codes"]
            or set(TAGS.get(c["code"], ())) & set(rules["stay_in_theatre_tags"])
            for c in r["conditions"]
        )
    ]
    assert len(trivial) > 3000
    assert Counter(r["outcome"] for r in trivial).keys() == {"RTD"}
    assert {r["outcome_facility"] for r in trivial} <= {"R1", "R2", "R3"}


# 6. a 9-line only for those carried or flown, a few minutes after injury


def test_nine_lines_only_for_the_carried_or_flown(living: list[Record]) -> None:
    walking_routine = [
        r for r in living if r["transport"] == "ambulatory" and r["precedence"] == "routine"
    ]
    assert len(walking_routine) > 8000
    assert not [r["id"] for r in walking_routine if r["medevac_requests"]]
    assert {r["movement"] for r in walking_routine} == {"on_foot", "unit_vehicle"}
    carried = [r for r in living if r["transport"] == "litter"]
    assert all(r["medevac_requests"] for r in carried)
    urgent = [r for r in living if r["precedence"] in ("urgent", "urgent_surgical")]
    assert {r["movement"] for r in urgent} == {"air_ambulance"}
    requests = sum(len(r["medevac_requests"]) for r in living)
    assert 0.2 <= requests / len(living) <= 0.7  # not one for every sick call


def test_a_nine_line_goes_out_a_few_minutes_after_injury(living: list[Record]) -> None:
    delays = [
        minutes(r["injury_time"], r["medevac_requests"][0]["time"])
        for r in living
        if r["medevac_requests"] and r["medevac_requests"][0]["from"] == "POI"
    ]
    assert len(delays) > 3000
    assert min(delays) > 0 and max(delays) <= 15
    assert 4 <= statistics.median(delays) <= 12


# 7. urgent surgical casualties straight to surgery: damage control mostly within 2 h


def test_damage_control_surgery_within_two_hours(default_run: list[Record]) -> None:
    """CALIBRATION.md S6 / F1: damage-control surgery within 2 h of wounding (10-1-2);
    F11: surgery within 3 h in large centres as the upper anchor."""
    dcs = set(reference.clinical()["physiology"]["damage_control_surgery"])
    delays = []
    for r in default_run:
        if r["category"] != "battle_injury" or r["triage"] != "T1":
            continue
        done = [t for t in r["treatments"] if t["code"] in dcs and t["facility"] in ("R2", "R3")]
        if done:
            delays.append(minutes(r["injury_time"], done[0]["time"]))
    assert len(delays) > 1000
    delays.sort()
    assert statistics.median(delays) <= 100
    assert sum(d <= 120 for d in delays) / len(delays) >= 0.8
    assert sum(d <= 180 for d in delays) / len(delays) >= 0.9
    surgical = [
        r for r in default_run if r["precedence"] == "urgent_surgical" and r["outcome"] != "KIA"
    ]
    straight = [r for r in surgical if r["timeline"][1]["facility"] == "R2"]
    assert len(straight) / len(surgical) > 0.8


# 12. events inside their day; times as date-time groups


def test_casualty_events_never_wrap_around_midnight(default_run: list[Record]) -> None:
    by_event: dict[str, list[str]] = {}
    for r in default_run:
        by_event.setdefault(r["event_id"], []).append(r["injury_time"])
    for times in by_event.values():
        assert minutes(min(times), max(times)) < 12 * 60


def test_paperwork_times_are_date_time_groups(living: list[Record]) -> None:
    for r in living[:3000]:
        for h in r["handovers"]:
            when = h["text"].split(" | ")[1].removeprefix("T ")
            assert DTG.match(h["dtg"]) and DTG.match(when), h["text"]
        for request in r["medevac_requests"]:
            assert DTG.match(request["dtg"]) and request["text"].startswith(f"DTG {request['dtg']}")


def test_a_date_time_group_uses_the_scenarios_zone_letter() -> None:
    document = generation.load_preset("battalion-exercise")  # starts at +03:00: zone C
    document["total_patients"] = 200
    records = records_for(generation.parse_scenario(document), seed=3)
    request = next(r["medevac_requests"][0] for r in records if r["medevac_requests"])
    assert request["dtg"][6] == "C"
    hours = (int(request["time"][11:13]) + 3) % 24
    assert request["dtg"][2:4] == f"{hours:02d}"
