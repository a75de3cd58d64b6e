"""Clinical depth along a casualty's journey: treatments, vital signs, re-triage, ATMIST
handovers and 9-line MEDEVAC requests.

Everything here follows the journey already drawn (timeline, outcome) and adds to it;
it never changes who lives or where they go. Rules and physiology are data in
`data/clinical.json`.
"""

from __future__ import annotations

import itertools
import random
import zlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from generation import reference

Stay = tuple[str, int, int]  # facility, start, end (seconds after scenario start)
MINUTE = 60


@dataclass(frozen=True)
class Rule:
    code: str
    display: str
    any_tags: frozenset[str]
    all_tags: frozenset[str]
    none_tags: frozenset[str]
    severities: frozenset[str] | None
    probability: float
    after: tuple[float, float]

    def applies(self, tags: frozenset[str], severity: str) -> bool:
        if self.severities is not None and severity not in self.severities:
            return False
        if self.any_tags and not self.any_tags & tags:
            return False
        return self.all_tags <= tags and not self.none_tags & tags


@dataclass(frozen=True)
class ClinicalTables:
    condition_tags: dict[str, frozenset[str]]
    rules: dict[str, tuple[Rule, ...]]
    severity_bands: dict[str, tuple[float, float]]
    retriage_bands: tuple[tuple[float, str], ...]
    improvement: float
    noise: dict[str, float]
    fever: tuple[float, float]
    medevac: dict[str, Any]
    grid_zones: tuple[str, ...]
    square_letters: str
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


def compile_clinical() -> ClinicalTables:
    data = reference.clinical()
    terms = reference.snomed_terms()
    physiology = data["physiology"]
    return ClinicalTables(
        condition_tags={code: frozenset(tags) for code, tags in data["condition_tags"].items()},
        rules={
            role: tuple(_rule(r, terms) for r in rules)
            for role, rules in data["treatments"].items()
        },
        severity_bands={k: tuple(v) for k, v in physiology["triage_severity"].items()},
        retriage_bands=tuple((limit, triage) for limit, triage in physiology["retriage_bands"]),
        improvement=physiology["improvement_per_role"],
        noise=physiology["noise"],
        fever=(physiology["fever"][0], physiology["fever"][1]),
        medevac=data["medevac"],
        grid_zones=tuple(data["medevac"]["grid_zones"]),
        square_letters=data["medevac"]["square_letters"],
    )


def _rule(spec: dict[str, Any], terms: dict[str, str]) -> Rule:
    severities = spec.get("severity")
    return Rule(
        code=spec["code"],
        display=terms[spec["code"]],
        any_tags=frozenset(spec.get("any", ())),
        all_tags=frozenset(spec.get("all", ())),
        none_tags=frozenset(spec.get("none", ())),
        severities=frozenset(severities) if severities else None,
        probability=spec["p"],
        after=(spec["after"][0], spec["after"][1]),
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
    for (start, place, _), (end, _, _) in itertools.pairwise(timeline):
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
) -> list[dict[str, Any]]:
    """Procedures fitting the conditions and each role's capability, in time order."""
    given: dict[str, tuple[int, str]] = {}
    for place, start, end in visits:
        if end - start < 2:
            continue
        for rule in clinical.applicable(place, severity, tags):
            if rule.code in given or rng.random() >= rule.probability:
                continue
            when = start + int(rng.uniform(*rule.after) * MINUTE)
            if when >= end:  # a short stay: squeeze it in
                when = start + 1 + int((end - start - 2) * rng.random())
            given[rule.code] = (when, place)
    ordered = sorted((when, place, code) for code, (when, place) in given.items())
    terms = reference.snomed_terms()
    return [
        {"time": when, "facility": place, "code": code, "display": terms[code]}
        for when, place, code in ordered
    ]


def severity_path(
    rng: random.Random, clinical: ClinicalTables, triage: str, outcome: str, points: int
) -> list[float]:
    """Severity at each assessment: improving with care, or sliding towards death."""
    low, high = clinical.severity_bands[triage]
    s = rng.uniform(low, high)
    path = [s]
    for k in range(1, points):
        if outcome == "DOW":
            s = s + (0.98 - s) * (k / (points - 1 if points > 1 else 1)) * rng.uniform(0.6, 1.0)
        elif k % 2 == 0:  # a departure: care given at that role shows
            s = s * clinical.improvement * rng.uniform(0.85, 1.1)
        else:  # an arrival after transit: a little worse
            s = min(0.97, s + rng.uniform(0.0, 0.05))
        path.append(s)
    return path


def vital_signs(
    rng: random.Random,
    clinical: ClinicalTables,
    s: float,
    tags: frozenset[str],
    treated_fever: bool,
) -> dict[str, Any]:
    """Vital signs for a severity score s in [0, 1], with bedside noise."""
    noise = clinical.noise
    r = rng.random
    # Uniform bedside noise with the configured standard deviation: (r() - 0.5) * sqrt(12).
    systolic = max(45, min(190, round(128 - 72 * s + (r() - 0.5) * 3.46 * noise["systolic"])))
    neuro = 11 if "tbi" in tags else 3
    temperature = 36.9 - 1.6 * s + (r() - 0.5) * 3.46 * noise["temperature"]
    if "fever" in tags or "infection" in tags:
        low, high = clinical.fever
        temperature += (low + (high - low) * r()) * (0.5 if treated_fever else 1.0)
    return {
        "heart_rate": max(
            40, min(190, round(72 + 80 * s + (r() - 0.5) * 3.46 * noise["heart_rate"]))
        ),
        "respiratory_rate": max(
            8, min(44, round(14 + 20 * s + (r() - 0.5) * 3.46 * noise["respiratory_rate"]))
        ),
        "systolic": systolic,
        "diastolic": max(25, round(systolic * (0.58 + 0.12 * r()))),
        "spo2": max(70, min(100, round(99 - 18 * s + (r() - 0.5) * 3.46 * noise["spo2"]))),
        "gcs": max(3, min(15, 15 - round(s * neuro + 0.8 * r() - 0.4))),
        "temperature": round(max(33.0, min(41.5, temperature)), 1),
    }


def retriage(clinical: ClinicalTables, s: float) -> str:
    for limit, triage in clinical.retriage_bands:
        if s < limit:
            return triage
    return "T4"


def grid_reference(rng: random.Random, clinical: ClinicalTables, front: str) -> str:
    """An MGRS pickup point inside the front's 30 km box (the box is fixed per front)."""
    zone_square, east, north = _front_area(front, clinical.grid_zones, clinical.square_letters)
    r = rng.random
    return f"{zone_square} {east + int(r() * 30_000):05d} {north + int(r() * 30_000):05d}"


@cache
def _front_area(front: str, zones: tuple[str, ...], letters: str) -> tuple[str, int, int]:
    """Zone + 100 km square and the box's south-west corner, derived from the name only."""
    key = zlib.crc32(front.encode())
    square = letters[(key >> 4) % len(letters)] + letters[(key >> 9) % len(letters)]
    return f"{zones[key % len(zones)]} {square}", (key >> 13) % 60_000, (key >> 3) % 60_000
