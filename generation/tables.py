"""Sampling tables compiled from a Scenario and the reference data.

Everything the engine derives from a scenario before generating lives here, in shapes
that make per-patient sampling cheap: cumulative weights for `bisect`, tuples, and
pre-resolved code/display pairs. Compiling is deterministic and pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from generation import climate, reference
from generation.alias import Alias, alias_of
from generation.choice import Choice
from generation.clinical import ClinicalTables, compile_clinical
from generation.fitting import fit_to_margins
from generation.physiology import PhysiologyTables, compile_physiology
from generation.scenario import Scenario, Window

Coded = tuple[str, str]  # (code, display)
# A triangular distribution as (low, high, where the mode sits between them in [0, 1]):
# `journey.triangular` draws from it exactly like random.Random.triangular.
Triangle = tuple[float, float, float]
ConditionOption = tuple[Coded, Coded | None, bool]  # condition, site, site drawn from region


@dataclass(frozen=True)
class Nation:
    code: str
    given: tuple[tuple[str, ...], tuple[str, ...]]  # male, female
    given_weights: tuple[Alias, Alias]  # draws an index into `given`, by frequency
    family: tuple[tuple[str, ...], tuple[str, ...]]  # parallel masculine, feminine forms
    family_weights: Alias  # draws an index into both `family` forms
    second_given: float  # share whose record carries a second given name
    second_family: float  # share with two family names (Spanish, Portuguese custom)
    service_number: str
    blood_groups: Choice[str]


# A CBRN condition: (code, display), body site (None: systemic), site drawn from the wound
# region, probability of being present.
CbrnCondition = tuple[Coded, Coded | None, bool, float]


@dataclass(frozen=True)
class CbrnTables:
    """The scenario's CBRN agent, for casualties of the cbrn warfare type."""

    warfare: int  # index of the cbrn warfare type in the scenario, -1 without one
    agent: str
    mechanism: str
    kia: float
    incubation: Triangle | None  # hours; biological agents only
    conditions: dict[str, tuple[CbrnCondition, ...]]  # by severity T1-T3
    tags: frozenset[str]  # added to a CBRN casualty's clinical tags


@dataclass(frozen=True)
class Tables:
    """Compiled, read-only sampling tables for one scenario."""

    scenario: Scenario
    warfare_names: tuple[str, ...]
    warfare_hours: tuple[Choice[int], ...]
    dnbi_hours: Choice[int]
    mechanisms: tuple[Choice[str], ...]  # per warfare type
    battle_triage: tuple[Choice[str], ...]  # per warfare type
    dnbi_triage: dict[str, Choice[str]]
    front_names: tuple[str, ...]
    front_nations: tuple[Choice[str], ...]
    nations: dict[str, Nation]
    ranks: Choice[str]
    ages_by_rank: dict[str, Choice[int]]
    regions: Choice[str]
    sites: dict[str, Choice[Coded]]
    battle_conditions: dict[tuple[str, str, str], Choice[ConditionOption]]
    battle_secondary: Choice[ConditionOption]
    battle_secondary_probability: float
    secondary_mechanisms: frozenset[str]
    non_battle: dict[str, Choice[ConditionOption]]
    non_battle_mechanisms: Choice[str]
    nbi_mechanisms: dict[str, Choice[str]]  # condition code -> its mechanisms
    heat: dict[str, Choice[ConditionOption]] | None
    cold: dict[str, Choice[ConditionOption]] | None
    heat_share: float
    cold_share: float
    disease: dict[str, Choice[ConditionOption]]  # men (see disease_by_sex)
    disease_by_sex: tuple[dict[str, Choice[ConditionOption]], dict[str, Choice[ConditionOption]]]
    psychiatric: dict[str, Choice[ConditionOption]]
    psychiatric_share: float
    outcomes: dict[tuple[str, str], Choice[str]]
    # (category, band, disposition) -> the outcomes the injuries leave open; see journey
    limited_outcomes: dict[tuple[str, str, str], Choice[str]]
    never_rtd_tags: frozenset[str]
    never_rtd_codes: frozenset[str]
    stay_tags: frozenset[str]
    stay_codes: frozenset[str]
    precedence_by_triage: dict[str, str]
    urgent_surgical_regions: frozenset[str]
    urgent_surgical_tags: frozenset[str]
    transit_factor: float
    rtd_triangles: dict[str, Triangle]  # care.json's rtd_stay, ready to draw from
    transit_triangles: dict[tuple[str, str], Triangle]  # (leg, precedence)
    holding_triangles: dict[tuple[str, str], Triangle]  # (role, precedence)
    skip_r1_for_urgent: float
    skip_r1_for_urgent_surgical: float
    dow_timeliness: tuple[tuple[float, float], ...]
    clinical: ClinicalTables
    physiology: PhysiologyTables
    kia_minutes: Choice[tuple[int, int]]
    cbrn: CbrnTables
    unit_branches: tuple[str, ...]
    naval_unit_branches: tuple[str, ...]


def compile_tables(scenario: Scenario) -> Tables:
    """Derive every sampling table the engine needs from a validated scenario."""
    war = reference.warfare()
    names = tuple(name for name, _ in scenario.warfare)
    night = _night_shift(scenario)
    conditions = reference.conditions()
    cbrn = _cbrn(scenario, names)
    clinical = compile_clinical({f.name: f.area for f in scenario.fronts})
    disposition = reference.care()["disposition"]
    outcomes = _outcomes()
    rtd_stay = {
        role: tuple(w) for role, w in reference.care()["rtd_stay"].items() if role[0] != "_"
    }
    return Tables(
        scenario=scenario,
        warfare_names=names,
        warfare_hours=tuple(_hours(war["types"][n]["hours"], night) for n in names),
        dnbi_hours=_hours(war["dnbi_hours"], 0.0),
        mechanisms=tuple(
            Choice.of({cbrn.mechanism: 1.0} if n == "cbrn" else war["types"][n]["mechanisms"])
            for n in names
        ),
        battle_triage=tuple(
            Choice.of(_cbrn_agent(scenario)["triage"] if n == "cbrn" else war["types"][n]["triage"])
            for n in names
        ),
        dnbi_triage={k: Choice.of(v) for k, v in conditions["triage"].items() if k[0] != "_"},
        front_names=tuple(f.name for f in scenario.fronts),
        front_nations=tuple(Choice.of(list(f.nationalities)) for f in scenario.fronts),
        nations=_nations(scenario),
        ranks=_ranks(),
        ages_by_rank=_ages_by_rank(),
        regions=Choice.of(conditions["regions"]),
        sites={region: Choice.of(_coded_weights(s)) for region, s in conditions["sites"].items()},
        battle_conditions=_battle_conditions(conditions),
        battle_secondary=_options(conditions["battle_secondary"]["conditions"]),
        battle_secondary_probability=conditions["battle_secondary"]["probability"],
        secondary_mechanisms=frozenset(conditions["battle_secondary"]["mechanisms"]),
        non_battle=_theatre_tables(scenario, "non_battle", False),
        non_battle_mechanisms=Choice.of(conditions["non_battle"]["mechanisms"]),
        nbi_mechanisms={
            code: Choice.of(weights)
            for code, weights in reference.climate()["nbi_mechanisms"].items()
            if code[0] != "_"
        },
        heat=_by_severity(conditions["environmental"]["heat"]),
        cold=_by_severity(conditions["environmental"]["cold"]),
        heat_share=max(
            _environment_max(scenario, "heat_injury_share"),
            climate.environmental_share("heat", scenario.climate, climate.season(scenario)),
        ),
        cold_share=max(
            _environment_max(scenario, "cold_injury_share"),
            climate.environmental_share("cold", scenario.climate, climate.season(scenario)),
        ),
        disease=_theatre_tables(scenario, "disease", False),
        disease_by_sex=(
            _theatre_tables(scenario, "disease", False),
            _theatre_tables(scenario, "disease", True),
        ),
        psychiatric=_by_severity(conditions["disease"]["psychiatric"]),
        psychiatric_share=conditions["disease"]["psychiatric_share"],
        outcomes=outcomes,
        limited_outcomes=_limited_outcomes(outcomes),
        never_rtd_tags=frozenset(disposition["never_rtd_tags"]),
        never_rtd_codes=frozenset(disposition["never_rtd_codes"]),
        stay_tags=frozenset(disposition["stay_in_theatre_tags"]),
        stay_codes=frozenset(disposition["stay_in_theatre_codes"]),
        precedence_by_triage=dict(reference.care()["precedence_by_triage"]),
        urgent_surgical_regions=frozenset(reference.care()["urgent_surgical_regions"]),
        urgent_surgical_tags=frozenset(reference.care()["urgent_surgical_tags"]),
        transit_factor=_transit_factor(scenario),
        rtd_triangles={role: triangle(window) for role, window in rtd_stay.items()},
        transit_triangles=_triangles(scenario.care.transit),
        holding_triangles=_triangles(scenario.care.holding),
        skip_r1_for_urgent=reference.care()["skip_r1_for_urgent"],
        skip_r1_for_urgent_surgical=reference.care()["skip_r1_for_urgent_surgical"],
        dow_timeliness=tuple(
            (limit, f) for limit, f in reference.care()["dow_timeliness"]["steps"]
        ),
        clinical=clinical,
        physiology=compile_physiology(clinical.condition_tags),
        kia_minutes=Choice.of(
            [((lo, hi), p) for lo, hi, p in reference.care()["kia"]["time_of_death_minutes"]]
        ),
        cbrn=cbrn,
        unit_branches=tuple(reference.people()["unit_branches"]),
        naval_unit_branches=tuple(reference.people()["naval_unit_branches"]),
    )


def local_day_offset(scenario: Scenario) -> int:
    """Seconds from local midnight to the scenario start (hour patterns are local)."""
    start = scenario.start
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return int((start - midnight) / timedelta(seconds=1))


def triangle(window: tuple[float, float, float]) -> Triangle:
    """(low, mode, high) minutes -> Triangle, computing what Random.triangular computes
    on every call. A window of one value gets any mode position: it draws `low` anyway."""
    low, mode, high = window
    if high == low:
        return (float(low), float(high), 0.5)
    return (float(low), float(high), (mode - low) / (high - low))


# -- helpers ---------------------------------------------------------------------------


def _triangles(
    windows: tuple[tuple[str, tuple[tuple[str, Window], ...]], ...],
) -> dict[tuple[str, str], Triangle]:
    """care.transit / care.holding -> {(leg or role, precedence): Triangle}."""
    return {(key, precedence): triangle(w) for key, inner in windows for precedence, w in inner}


def _hours(weights: list[float], night_shift: float) -> Choice[int]:
    """Hour-of-day choice; night operations move weight into the dark hours."""
    night = set(range(20, 24)) | set(range(0, 5))
    factor = 1 + 2 * night_shift
    return Choice.of([(h, w * factor if h in night else w) for h, w in enumerate(weights)])


def _night_shift(scenario: Scenario) -> float:
    env = reference.warfare()["environment"]
    return max((env[e].get("night_shift", 0.0) for e in scenario.environment), default=0.0)


def _transit_factor(scenario: Scenario) -> float:
    env = reference.warfare()["environment"]
    return float(math.prod(env[e].get("transit", 1.0) for e in scenario.environment))


def _environment_max(scenario: Scenario, key: str) -> float:
    env = reference.warfare()["environment"]
    return max((env[e].get(key, 0.0) for e in scenario.environment), default=0.0)


def _nations(scenario: Scenario) -> dict[str, Nation]:
    used = {code for front in scenario.fronts for code, _ in front.nationalities}
    return {code: _nation(code) for code in sorted(used)}


@cache
def _nation(code: str) -> Nation:
    """A nation's compiled tables; the same for every scenario, so built once."""
    data = reference.nations()
    groups = reference.people()["blood_groups"]
    names = reference.names(code)
    male, female, family = names["given"]["male"], names["given"]["female"], names["family"]
    return Nation(
        code=code,
        given=(tuple(n for n, _ in male), tuple(n for n, _ in female)),
        given_weights=(alias_of([w for _, w in male]), alias_of([w for _, w in female])),
        family=(tuple(m for m, _, _ in family), tuple(f for _, f, _ in family)),
        family_weights=alias_of([w for _, _, w in family]),
        second_given=float(names["second_given_share"]),
        second_family=float(names["second_family_share"]),
        service_number=data[code]["service_number"],
        blood_groups=Choice.of(groups.get(code, groups["*"])),
    )


def _age_profile() -> dict[int, float]:
    """Casualty ages from a shifted lognormal, truncated to [min, max]."""
    spec = reference.people()["age"]
    mu, sigma, shift = math.log(spec["median_above_shift"]), spec["log_sigma"], spec["shift"]

    def cdf(age: float) -> float:
        return 0.5 * (1 + math.erf((math.log(age - shift) - mu) / (sigma * math.sqrt(2))))

    return {a: cdf(a + 1) - cdf(a) for a in range(spec["min"], spec["max"] + 1)}


def _rank_pyramid() -> dict[str, float]:
    """Each rank's share of casualties: officer share split by the officer shares, the
    rest by the enlisted shares."""
    spec = reference.people()["ranks"]
    pyramid = {}
    for group, group_share in (
        ("enlisted", 1 - spec["officer_share"]),
        ("officer", spec["officer_share"]),
    ):
        ranks = spec[group]
        total = sum(r["share"] for r in ranks.values())
        for rank, r in ranks.items():
            pyramid[rank] = group_share * r["share"] / total
    return pyramid


_FITTING_ROUNDS = 200


@cache
def _rank_age_table() -> dict[str, dict[int, float]]:
    """Joint weights of (rank, age) whose rank marginal is the pyramid and whose age
    marginal is the casualty age profile (iterative proportional fitting). The seed is a
    Gaussian around each rank's typical age, zero below its minimum age, so a major is
    never 22 whatever the fitting does."""
    spec = reference.people()["ranks"]
    spread = spec["age_spread"]
    ranks = {**spec["enlisted"], **spec["officer"]}
    ages = _age_profile()
    pyramid = _rank_pyramid()
    seed = [
        [
            math.exp(-(((age - r["typical"]) / spread) ** 2) / 2) if age >= r["min_age"] else 0.0
            for age in ages
        ]
        for r in ranks.values()
    ]
    fit_to_margins(seed, [pyramid[rank] for rank in ranks], list(ages.values()), _FITTING_ROUNDS)
    table = {rank: dict(zip(ages, row, strict=True)) for rank, row in zip(ranks, seed, strict=True)}
    return table


def _ranks() -> Choice[str]:
    return Choice.of(_rank_pyramid())


def _ages_by_rank() -> dict[str, Choice[int]]:
    return {rank: Choice.of(row) for rank, row in _rank_age_table().items()}


def _coded(code: str) -> Coded:
    return (code, reference.snomed_terms()[code])


def _coded_weights(entries: list[list[Any]]) -> list[tuple[Coded, float]]:
    return [(_coded(code), weight) for code, weight in entries]


def _options(entries: list[list[Any]]) -> Choice[ConditionOption]:
    """[code, weight] (site from region) or [code, weight, site|None] (fixed site)."""
    options: list[tuple[ConditionOption, float]] = []
    for entry in entries:
        code, weight = entry[0], entry[1]
        if len(entry) == 2:
            options.append(((_coded(code), None, True), weight))
        else:
            site = _coded(entry[2]) if entry[2] else None
            options.append(((_coded(code), site, False), weight))
    return Choice.of(options)


def _theatre_tables(
    scenario: Scenario, category: str, female: bool
) -> dict[str, Choice[ConditionOption]]:
    """A DNBI table (`disease` or `non_battle`) with the conditions climate.json adds,
    each weight multiplied by what the theatre's climate, season and the sex make of it."""
    block = reference.conditions()[category]
    added = reference.climate()["added"][category]
    season = climate.season(scenario)
    tables = {}
    for severity in ("T1", "T2", "T3"):
        entries = [list(e) for e in block[severity]] + [list(e) for e in added.get(severity, [])]
        for entry in entries:
            entry[1] = entry[1] * climate.weight_factor(entry[0], scenario.climate, season, female)
        tables[severity] = _options([e for e in entries if e[1] > 0])
    return tables


def _by_severity(block: dict[str, Any]) -> dict[str, Choice[ConditionOption]]:
    return {severity: _options(block[severity]) for severity in ("T1", "T2", "T3")}


def _battle_conditions(
    conditions: dict[str, Any],
) -> dict[tuple[str, str, str], Choice[ConditionOption]]:
    """(mechanism, region, severity) -> choice; a mechanism's "*" fills missing regions."""
    table = {}
    for mechanism, by_region in conditions["battle"].items():
        for region in conditions["regions"]:
            block = by_region.get(region, by_region.get("*"))
            for severity, entries in block.items():
                table[(mechanism, region, severity)] = _options(entries)
    return table


def _outcomes() -> dict[tuple[str, str], Choice[str]]:
    tables = reference.care()["outcomes"]
    return {
        (category, triage): Choice.of(weights)
        for category, by_triage in tables.items()
        if not category.startswith("_")
        for triage, weights in by_triage.items()
    }


def _cbrn_agent(scenario: Scenario) -> dict[str, Any]:
    return reference.cbrn()["agents"][scenario.cbrn_agent]  # type: ignore[no-any-return]


def _cbrn(scenario: Scenario, warfare_names: tuple[str, ...]) -> CbrnTables:
    agent = _cbrn_agent(scenario)
    incubation = agent.get("incubation_hours")
    conditions = {}
    for severity, entries in agent["conditions"].items():
        options: list[CbrnCondition] = []
        for entry in entries:
            if len(entry) == 2:  # site from the wound region
                options.append((_coded(entry[0]), None, True, float(entry[1])))
            else:
                site = _coded(entry[2]) if entry[2] else None
                options.append((_coded(entry[0]), site, False, float(entry[1])))
        conditions[severity] = tuple(options)
    return CbrnTables(
        warfare=warfare_names.index("cbrn") if "cbrn" in warfare_names else -1,
        agent=scenario.cbrn_agent,
        mechanism=agent["mechanism"],
        kia=float(agent["kia"]),
        incubation=triangle(tuple(incubation)) if incubation else None,
        conditions=conditions,
        tags=frozenset({f"agent_{scenario.cbrn_agent}"}),
    )


def _limited_outcomes(
    outcomes: dict[tuple[str, str], Choice[str]],
) -> dict[tuple[str, str, str], Choice[str]]:
    """Each outcome table without returns to duty ("no_rtd") and with returns to duty
    only ("stay"); a table left empty keeps its original outcomes."""
    limited = {}
    for (category, band), choice in outcomes.items():
        for name, returns in (("no_rtd", False), ("stay", True)):
            kept = [
                (key, choice.probability(key))
                for key in choice.values
                if key.startswith("RTD") == returns
            ]
            limited[(category, band, name)] = Choice.of(kept) if kept else choice
    return limited
