"""Clinical depth along a casualty's journey: treatments, vital signs, re-triage, ATMIST
handovers and 9-line MEDEVAC requests.

Everything here follows the journey already drawn (timeline, outcome) and adds to it;
it never changes who lives or where they go. Rules and physiology are data in
`data/clinical.json`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from generation import grids, reference

Stay = tuple[str, int, int]  # facility, start, end (seconds after scenario start)
# The drug a procedure gives (SNOMED CT substance code, term); NO_MEDICATION for others.
Medication = tuple[str, str]
NO_MEDICATION: Medication = ("", "")
Treatment = tuple[int, str, str, str, Medication]  # time, facility, code, display, drug
MINUTE = 60
NO_LIMIT = 1e9  # minutes: a rule with no latest time after injury


# Plain, not frozen, dataclasses that nothing changes once compiled
# (docs/engine-api.md, internals: frozen-dataclasses).
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
    # The drug given (a drug administration's procedure code says only "a drug"): with
    # the code it makes the rule's key, so two drugs are two treatments.
    medication: Medication
    within: float  # latest time after injury in minutes (tranexamic acid: 3 h)

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
    site_regions: dict[str, str]  # body-site code -> region
    improvement: float
    medevac: dict[str, Any]
    nine_line: NineLineTables
    front_areas: dict[str, grids.Pickup]  # front name -> where its pickups are drawn
    _applicable: dict[tuple[str, str, frozenset[str]], tuple[Rule, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _site_tags: dict[tuple[str, str, bool], frozenset[str]] = field(
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

    def condition_site_tags(self, condition: dict[str, Any], illness: bool) -> frozenset[str]:
        """`patient_tags` of one condition, memoised by (code, body site, illness)."""
        site = condition["body_site"]
        key = (condition["code"], site["code"] if site else "", illness)
        found = self._site_tags.get(key)
        if found is None:
            tags = set(self.condition_tags.get(key[0], frozenset()))
            region = self.site_regions.get(key[1], "")
            if region:
                tags |= {tag + "@" + region for tag in tags}
            if illness:
                tags.add("illness")
            found = self._site_tags[key] = frozenset(tags)
        return found


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
        site_regions=_site_regions(),
        improvement=physiology["improvement_per_role"],
        medevac=data["medevac"],
        nine_line=_nine_line_tables(data["medevac"]),
        front_areas={name: grids.Pickup(area) for name, area in front_areas.items()},
    )


def _site_regions() -> dict[str, str]:
    """Body-site code -> region: the regions' own sites and the fixed sites of
    conditions (physiology.json site_regions)."""
    regions = {
        code: region
        for region, sites in reference.conditions()["sites"].items()
        for code, _ in sites
    }
    regions.update(reference.physiology()["site_regions"])
    return regions


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
    drug = spec.get("medication")
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
        medication=(drug, terms[drug]) if drug else NO_MEDICATION,
        within=float(spec.get("within", NO_LIMIT)),
    )


def patient_tags(
    clinical: ClinicalTables, conditions: list[dict[str, Any]], category: str
) -> frozenset[str]:
    """The conditions' tags, and each tag again with the region of its condition's body
    site ("amputation@upper_limb"), so that a procedure can ask for the right limb."""
    illness = category == "disease"
    if len(conditions) == 1:  # most casualties: the memoised set as it is
        return clinical.condition_site_tags(conditions[0], illness)
    tags: set[str] = set()
    for condition in conditions:
        tags |= clinical.condition_site_tags(condition, illness)
    return frozenset(tags)


def stays(timeline: list[tuple[int, str, str]]) -> list[Stay]:
    """Time spent at each place: POI until the first arrival, each role from arrival until
    it is left (departure, evacuation, return to duty or death). Transit between roles
    belongs to no stay: nothing is done at a role after the casualty has left it."""
    result: list[Stay] = []
    for step in range(1, len(timeline)):  # pairwise, by index (compiled: no generic call)
        start, place, event = timeline[step - 1]
        if event in LEAVING:
            continue
        end = timeline[step][0]
        if result and result[-1][0] == place:
            result[-1] = (place, result[-1][1], end)
        else:
            result.append((place, start, end))
    return result


LEAVING = frozenset({"departure", "evacuated", "rtd", "death"})


def treatments(
    rng: random.Random,
    clinical: ClinicalTables,
    tags: frozenset[str],
    severity: str,
    visits: list[Stay],
) -> list[Treatment]:
    """Procedures fitting the conditions and each role's capability, in time order; each
    procedure (a drug administration: each drug) at most once."""
    r = rng.random
    given: dict[tuple[str, str], Treatment] = {}
    injured = visits[0][1] if visits else 0  # the stay at the point of injury starts then
    for place, start, end in visits:
        if end - start < 2:
            continue
        for rule in clinical.applicable(place, severity, tags):
            key = (rule.code, rule.medication[0])
            if key in given or r() >= rule.probability:
                continue
            when = start + int((rule.after + rule.after_span * r()) * MINUTE)
            if when >= end:  # a short stay: squeeze it in
                when = start + 1 + int((end - start - 2) * r())
            if when - injured > rule.within * MINUTE:
                continue  # too late for it (tranexamic acid after 3 h harms: CRASH-2)
            given[key] = (when, place, rule.code, rule.display, rule.medication)
    return sorted(given.values())  # keys are unique: only equal times compare further


def severity_path(
    rng: random.Random, clinical: ClinicalTables, start: float, outcome: str, points: int
) -> list[float]:
    """Severity at each assessment from `start` (at injury): improving with care, or
    sliding towards death."""
    # rng.uniform(a, b) inlined as a + (b - a) * r(), exactly what Random.uniform does.
    r = rng.random
    s = start
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


def grid_reference(rng: random.Random, clinical: ClinicalTables, front: str) -> str:
    """An MGRS pickup point spread over the front's area."""
    return clinical.front_areas[front].grid(rng)
