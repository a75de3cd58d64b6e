"""Clinical depth along a casualty's journey: treatments, vital signs, re-triage, ATMIST
handovers and 9-line MEDEVAC requests.

Everything here follows the journey already drawn (timeline, outcome) and adds to it;
it never changes who lives or where they go. Rules and physiology are data in
`data/clinical.json`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generation import grids, reference
from generation.fastops import round_half_even, round_tenths

Stay = tuple[str, int, int]  # facility, start, end (seconds after scenario start)
Treatment = tuple[int, str, str, str]  # time, facility, code, display
# heart rate, respiratory rate, systolic, diastolic, SpO2, GCS, temperature
Signs = tuple[int, int, int, int, int, int, float]
MINUTE = 60


# The tables here are not frozen dataclasses: compiled with mypyc, a frozen dataclass
# cannot be unpickled (its __setattr__ refuses), and compiled tables travel pickled, to
# worker processes and through the tables cache. Nothing changes them once compiled.
@dataclass
class Rule:
    code: str
    display: str
    any_tags: frozenset[str]
    all_tags: frozenset[str]
    none_tags: frozenset[str]
    severities: frozenset[str] | None
    probability: float
    after: float  # minutes after arriving: uniform in [after, after + after_span)
    after_span: float

    def applies(self, tags: frozenset[str], severity: str) -> bool:
        if self.severities is not None and severity not in self.severities:
            return False
        if self.any_tags and not self.any_tags & tags:
            return False
        return self.all_tags <= tags and not self.none_tags & tags


Weights = tuple[tuple[tuple[str, float], ...], float]  # (key, weight) pairs, their sum


@dataclass
class NineLineTables:
    """The 9-line MEDEVAC vocabulary of `medevac` in clinical.json, ready to draw from."""

    call_signs: tuple[str, ...]
    line3: dict[str, str]  # precedence -> letter
    line6_wartime: Weights
    line7: Weights


@dataclass
class ClinicalTables:
    condition_tags: dict[str, frozenset[str]]
    rules: dict[str, tuple[Rule, ...]]
    severity_bands: dict[str, tuple[float, float]]
    retriage_bands: tuple[tuple[float, str], ...]
    improvement: float
    noise: dict[str, float]
    noise_scales: tuple[float, float, float, float, float]  # see vital_signs
    fever: tuple[float, float]
    medevac: dict[str, Any]
    nine_line: NineLineTables
    front_areas: dict[str, grids.Pickup]  # front name -> where its pickups are drawn
    _applicable: dict[tuple[str, str, frozenset[str]], tuple[Rule, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def applicable(self, role: str, severity: str, tags: frozenset[str]) -> tuple[Rule, ...]:
        """The rules of a role that fit; memoised, since few tag sets recur endlessly."""
        key = (role, severity, tags)
        rules = self._applicable.get(key)
        if rules is None:
            rules = tuple(r for r in self.rules.get(role, ()) if r.applies(tags, severity))
            self._applicable[key] = rules
        return rules


def compile_clinical(front_areas: dict[str, grids.Area]) -> ClinicalTables:
    data = reference.clinical()
    cbrn = reference.cbrn()  # CBRN conditions' tags and treatments, kept beside the agents
    terms = reference.snomed_terms()
    physiology = data["physiology"]
    condition_tags = {**data["condition_tags"], **cbrn["condition_tags"]}
    return ClinicalTables(
        condition_tags={
            code: frozenset(tags) for code, tags in condition_tags.items() if code[0] != "_"
        },
        rules={
            role: tuple(_rule(r, terms) for r in rules + cbrn["treatments"].get(role, []))
            for role, rules in data["treatments"].items()
        },
        severity_bands={k: tuple(v) for k, v in physiology["triage_severity"].items()},
        retriage_bands=tuple((limit, triage) for limit, triage in physiology["retriage_bands"]),
        improvement=physiology["improvement_per_role"],
        noise=physiology["noise"],
        noise_scales=_noise_scales(physiology["noise"]),
        fever=(physiology["fever"][0], physiology["fever"][1]),
        medevac=data["medevac"],
        nine_line=_nine_line_tables(data["medevac"]),
        front_areas={name: grids.Pickup(area) for name, area in front_areas.items()},
    )


def _noise_scales(noise: dict[str, float]) -> tuple[float, float, float, float, float]:
    """Noise of each sign in the order vital_signs draws them."""
    return (
        float(noise["systolic"]),
        float(noise["temperature"]),
        float(noise["heart_rate"]),
        float(noise["respiratory_rate"]),
        float(noise["spo2"]),
    )


def _nine_line_tables(medevac: dict[str, Any]) -> NineLineTables:
    return NineLineTables(
        call_signs=tuple(medevac["call_signs"]),
        line3=dict(medevac["line3"]),
        line6_wartime=_weights(medevac["line6_wartime"]),
        line7=_weights(medevac["line7"]),
    )


def _weights(weights: dict[str, float]) -> Weights:
    return tuple(weights.items()), sum(weights.values())


def _rule(spec: dict[str, Any], terms: dict[str, str]) -> Rule:
    severities = spec.get("severity")
    return Rule(
        code=spec["code"],
        display=terms[spec["code"]],
        any_tags=frozenset(spec.get("any", ())),
        all_tags=frozenset(spec.get("all", ())),
        none_tags=frozenset(spec.get("none", ())),
        severities=frozenset(severities) if severities else None,
        probability=float(spec["p"]),
        # Random.uniform(low, high) computes low + (high - low) * random(): keep both parts.
        after=float(spec["after"][0]),
        after_span=float(spec["after"][1] - spec["after"][0]),
    )


def patient_tags(
    clinical: ClinicalTables, conditions: list[dict[str, Any]], category: str
) -> frozenset[str]:
    tags: set[str] = {"illness"} if category == "disease" else set()
    for condition in conditions:
        tags |= clinical.condition_tags.get(condition["code"], frozenset())
    return frozenset(tags)


def stays(timeline: list[tuple[int, str, str]]) -> list[Stay]:
    """Time spent at each place: POI until the first arrival, each role until it is left."""
    result: list[Stay] = []
    for step in range(1, len(timeline)):  # pairwise, by index (compiled: no generic call)
        start, place, _ = timeline[step - 1]
        end = timeline[step][0]
        if result and result[-1][0] == place:
            result[-1] = (place, result[-1][1], end)
        else:
            result.append((place, start, end))
    return result


def treatments(
    rng: random.Random,
    clinical: ClinicalTables,
    tags: frozenset[str],
    severity: str,
    visits: list[Stay],
) -> list[Treatment]:
    """Procedures fitting the conditions and each role's capability, in time order."""
    r = rng.random
    given: dict[str, Treatment] = {}
    for place, start, end in visits:
        if end - start < 2:
            continue
        for rule in clinical.applicable(place, severity, tags):
            if rule.code in given or r() >= rule.probability:
                continue
            when = start + int((rule.after + rule.after_span * r()) * MINUTE)
            if when >= end:  # a short stay: squeeze it in
                when = start + 1 + int((end - start - 2) * r())
            given[rule.code] = (when, place, rule.code, rule.display)
    return sorted(given.values())  # codes are unique: the display never decides


def severity_path(
    rng: random.Random, clinical: ClinicalTables, triage: str, outcome: str, points: int
) -> list[float]:
    """Severity at each assessment: improving with care, or sliding towards death."""
    # rng.uniform(a, b) inlined as a + (b - a) * r(), exactly what Random.uniform does.
    r = rng.random
    low, high = clinical.severity_bands[triage]
    s = low + (high - low) * r()
    path = [s]
    for k in range(1, points):
        if outcome == "DOW":
            s = s + (0.98 - s) * (k / (points - 1 if points > 1 else 1)) * (0.6 + _DOW_SPAN * r())
        elif k % 2 == 0:  # a departure: care given at that role shows
            s = s * clinical.improvement * (0.85 + _CARE_SPAN * r())
        else:  # an arrival after transit: a little worse
            s = s + (0.0 + _TRANSIT_SPAN * r())
            s = s if s < 0.97 else 0.97
        path.append(s)
    return path


_DOW_SPAN = 1.0 - 0.6
_CARE_SPAN = 1.1 - 0.85
_TRANSIT_SPAN = 0.05 - 0.0


def vital_signs(
    r: Callable[[], float],
    clinical: ClinicalTables,
    s: float,
    neuro: int,
    fever: float,
) -> Signs:
    """Vital signs for a severity score s in [0, 1], with bedside noise.

    `neuro` weighs severity into GCS (head injuries fall further); `fever` is 0 without a
    fever, else the share of it left (1, or 0.5 once treated).
    """
    systolic_noise, temperature_noise, heart_noise, breathing_noise, spo2_noise = (
        clinical.noise_scales
    )
    # Uniform bedside noise with the configured standard deviation: (r() - 0.5) * sqrt(12).
    # The draws keep their order; limits are inline comparisons (cheaper than min/max);
    # round_half_even is round() without a generic call (see fastops).
    systolic = round_half_even(128 - 72 * s + (r() - 0.5) * 3.46 * systolic_noise)
    systolic = 45 if systolic < 45 else 190 if systolic > 190 else systolic
    temperature = 36.9 - 1.6 * s + (r() - 0.5) * 3.46 * temperature_noise
    if fever:
        low, high = clinical.fever
        temperature += (low + (high - low) * r()) * fever
    heart_rate = round_half_even(72 + 80 * s + (r() - 0.5) * 3.46 * heart_noise)
    heart_rate = 40 if heart_rate < 40 else 190 if heart_rate > 190 else heart_rate
    breathing = round_half_even(14 + 20 * s + (r() - 0.5) * 3.46 * breathing_noise)
    breathing = 8 if breathing < 8 else 44 if breathing > 44 else breathing
    diastolic = round_half_even(systolic * (0.58 + 0.12 * r()))
    diastolic = 25 if diastolic < 25 else diastolic
    spo2 = round_half_even(99 - 18 * s + (r() - 0.5) * 3.46 * spo2_noise)
    spo2 = 70 if spo2 < 70 else 100 if spo2 > 100 else spo2
    gcs = 15 - round_half_even(s * neuro + 0.8 * r() - 0.4)
    gcs = 3 if gcs < 3 else 15 if gcs > 15 else gcs
    temperature = 33.0 if temperature < 33.0 else 41.5 if temperature > 41.5 else temperature
    return heart_rate, breathing, systolic, diastolic, spo2, gcs, round_tenths(temperature)


def retriage(clinical: ClinicalTables, s: float) -> str:
    for limit, triage in clinical.retriage_bands:
        if s < limit:
            return triage
    return "T4"


def grid_reference(rng: random.Random, clinical: ClinicalTables, front: str) -> str:
    """An MGRS pickup point spread over the front's area."""
    return clinical.front_areas[front].grid(rng)
