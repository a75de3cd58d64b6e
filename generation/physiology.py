"""Vital signs from the conditions, and triage from the vital signs (a triage sieve).

A casualty has resting values of their own; each condition moves the signs as
`data/physiology.json` declares for its tags (or its own code), scaled by how severe the
casualty is. Triage is then read off the signs and whether the casualty can walk, as a
triage sieve does, never the other way round.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generation import reference
from generation.fastops import round_half_even, round_tenths

# heart rate, respiratory rate, systolic, diastolic, SpO2, GCS, temperature
Signs = tuple[int, int, int, int, int, int, float]
# Resting heart rate, respiratory rate, systolic, SpO2, temperature, diastolic ratio
Baseline = tuple[float, float, float, float, float, float]
SIGNS = ("heart_rate", "respiratory_rate", "systolic", "spo2", "temperature", "gcs")


@dataclass
class Profile:
    """What a casualty's conditions do to the signs at full severity, and to walking."""

    effects: tuple[float, float, float, float, float, float]  # in SIGNS order
    immobile: bool  # a condition stops walking whatever the severity
    ambulant: bool  # every condition leaves walking to the physiology alone


# Not frozen: compiled with mypyc, a frozen dataclass cannot be unpickled (see clinical).
@dataclass
class PhysiologyTables:
    baseline: tuple[tuple[float, float], ...]  # (low, span) per SIGNS[:5]
    noise: tuple[float, float, float, float, float]
    curve_at: float
    tag_effects: dict[str, tuple[float, ...]]
    condition_effects: dict[str, tuple[float, ...]]
    condition_tags: dict[str, frozenset[str]]
    site_regions: dict[str, str]
    immobile_tags: frozenset[str]
    immobile_on_lower_limb: frozenset[str]
    ambulant_tags: frozenset[str]
    walk_limit: float
    walk_gcs: int
    walk_systolic: int
    walk_spo2: int
    respiratory_low: int
    respiratory_high: int
    heart_rate_high: int
    systolic_low: int
    gcs_low: int
    expectant_at: float
    decline_from: float
    decline: tuple[float, ...]  # in SIGNS order
    severity_bands: dict[str, tuple[float, float]]  # band -> (low, span)
    _profiles: dict[tuple[tuple[str, str], ...], Profile] = field(
        default_factory=dict, repr=False, compare=False
    )

    def profile(self, conditions: list[dict[str, Any]]) -> Profile:
        """`_profile` of the conditions, memoised by (code, body site) pairs."""
        key = tuple(
            (c["code"], c["body_site"]["code"] if c["body_site"] else "") for c in conditions
        )
        found = self._profiles.get(key)
        if found is None:
            found = self._profiles[key] = _profile(self, key)
        return found


def compile_physiology(condition_tags: dict[str, frozenset[str]]) -> PhysiologyTables:
    data = reference.physiology()
    sieve = data["sieve"]
    needs = data["walk_needs"]
    base = data["baseline"]
    noise = data["noise"]
    regions = {
        code: region
        for region, sites in reference.conditions()["sites"].items()
        for code, _ in sites
    }
    regions.update(data["site_regions"])
    return PhysiologyTables(
        baseline=tuple((float(base[k][0]), float(base[k][1] - base[k][0])) for k in SIGNS[:5]),
        noise=(
            float(noise["heart_rate"]),
            float(noise["respiratory_rate"]),
            float(noise["systolic"]),
            float(noise["spo2"]),
            float(noise["temperature"]),
        ),
        curve_at=float(data["curve_at"]),
        tag_effects={tag: _vector(e) for tag, e in data["effects"].items()},
        condition_effects={code: _vector(e) for code, e in data["condition_effects"].items()},
        condition_tags=condition_tags,
        site_regions=regions,
        immobile_tags=frozenset(data["immobile_tags"]),
        immobile_on_lower_limb=frozenset(data["immobile_on_lower_limb"]),
        ambulant_tags=frozenset(data["ambulant_tags"]),
        walk_limit=float(data["walk_limit"]),
        walk_gcs=int(needs["gcs"]),
        walk_systolic=int(needs["systolic"]),
        walk_spo2=int(needs["spo2"]),
        respiratory_low=int(sieve["respiratory_low"]),
        respiratory_high=int(sieve["respiratory_high"]),
        heart_rate_high=int(sieve["heart_rate_high"]),
        systolic_low=int(sieve["systolic_low"]),
        gcs_low=int(sieve["gcs_low"]),
        expectant_at=float(data["expectant_at"]),
        decline_from=float(data["decline_from"]),
        decline=_vector(data["decline"]),
        severity_bands={
            band: (float(low), float(high - low))
            for band, (low, high) in reference.clinical()["physiology"]["triage_severity"].items()
        },
    )


def _vector(effects: dict[str, float]) -> tuple[float, ...]:
    unknown = set(effects) - set(SIGNS)
    if unknown:
        raise ValueError(f"physiology.json: unknown vital sign(s) {sorted(unknown)}")
    return tuple(float(effects.get(sign, 0.0)) for sign in SIGNS)


def _profile(tables: PhysiologyTables, key: tuple[tuple[str, str], ...]) -> Profile:
    """Per sign the largest rise plus the largest fall among the conditions' effects."""
    rises = [0.0] * len(SIGNS)
    falls = [0.0] * len(SIGNS)
    immobile = False
    ambulant = True
    for code, site in key:
        tags = tables.condition_tags.get(code, frozenset())
        vectors = [tables.tag_effects[t] for t in sorted(tags) if t in tables.tag_effects]
        if code in tables.condition_effects:
            vectors.append(tables.condition_effects[code])
        for vector in vectors:
            for i, value in enumerate(vector):
                rises[i] = max(rises[i], value)
                falls[i] = min(falls[i], value)
        lower_limb = tables.site_regions.get(site) == "lower_limb"
        if tags & tables.immobile_tags or (lower_limb and tags & tables.immobile_on_lower_limb):
            immobile = True
        if not tags <= tables.ambulant_tags:
            ambulant = False
    effects = tuple(rises[i] + falls[i] for i in range(len(SIGNS)))
    return Profile(
        effects=(effects[0], effects[1], effects[2], effects[3], effects[4], effects[5]),
        immobile=immobile,
        ambulant=ambulant,
    )


def baseline(r: Callable[[], float], tables: PhysiologyTables) -> Baseline:
    """The casualty's own resting values (and the share of systolic their diastolic is)."""
    b = tables.baseline
    return (
        b[0][0] + b[0][1] * r(),
        b[1][0] + b[1][1] * r(),
        b[2][0] + b[2][1] * r(),
        b[3][0] + b[3][1] * r(),
        b[4][0] + b[4][1] * r(),
        0.6 + 0.1 * r(),
    )


def signs(
    r: Callable[[], float],
    tables: PhysiologyTables,
    rest: Baseline,
    profile: Profile,
    s: float,
) -> Signs:
    """Signs at severity s in [0, 1] with a little bedside noise. GCS moves only when a
    condition lowers consciousness: a healthy person is 15 at every look. Effects other
    than temperature grow with the square of severity (compensation hides an injury
    until it is severe)."""
    curve = s / tables.curve_at
    curve = curve * curve
    curve = 1.25 if curve > 1.25 else curve
    e = profile.effects
    if s > tables.decline_from:
        share = (s - tables.decline_from) / (1.0 - tables.decline_from)
        d = tables.decline
        e = (
            e[0] + d[0] * share / curve,
            e[1] + d[1] * share / curve,
            e[2] + d[2] * share / curve,
            e[3] + d[3] * share / curve,
            e[4] + d[4] * share / curve,
            e[5] + d[5] * share / curve,
        )
    n = tables.noise
    heart_rate = round_half_even(rest[0] + e[0] * curve + (r() - 0.5) * 3.46 * n[0])
    heart_rate = 30 if heart_rate < 30 else 190 if heart_rate > 190 else heart_rate
    breathing = round_half_even(rest[1] + e[1] * curve + (r() - 0.5) * 3.46 * n[1])
    breathing = 6 if breathing < 6 else 48 if breathing > 48 else breathing
    systolic = round_half_even(rest[2] + e[2] * curve + (r() - 0.5) * 3.46 * n[2])
    systolic = 45 if systolic < 45 else 200 if systolic > 200 else systolic
    diastolic = round_half_even(systolic * rest[5])
    diastolic = 25 if diastolic < 25 else diastolic
    spo2 = round_half_even(rest[3] + e[3] * curve + (r() - 0.5) * 3.46 * n[3])
    spo2 = 60 if spo2 < 60 else 100 if spo2 > 100 else spo2
    # Temperature is not compensated like pressure: it follows severity in proportion.
    linear = s / tables.curve_at
    linear = 1.25 if linear > 1.25 else linear
    temperature = rest[4] + e[4] * linear + (r() - 0.5) * 3.46 * n[4]
    temperature = 30.0 if temperature < 30.0 else 42.5 if temperature > 42.5 else temperature
    gcs = 15
    if e[5] < 0.0:
        gcs = 15 + round_half_even(e[5] * curve + 0.8 * r() - 0.4)
        gcs = 3 if gcs < 3 else 15 if gcs > 15 else gcs
    return heart_rate, breathing, systolic, diastolic, spo2, gcs, round_tenths(temperature)


def walks(tables: PhysiologyTables, profile: Profile, s: float, signs: Signs) -> bool:
    """Can the casualty walk? The conditions, the severity and the signs all have a say."""
    if profile.immobile:
        return False
    if s >= tables.walk_limit and not profile.ambulant:
        return False
    _, _, systolic, _, spo2, gcs, _ = signs
    return gcs >= tables.walk_gcs and systolic >= tables.walk_systolic and spo2 >= tables.walk_spo2


def sieve(tables: PhysiologyTables, signs: Signs, walking: bool) -> str:
    """Triage sieve: walking -> T3; breathing, circulation or consciousness out of range
    -> T1; otherwise T2."""
    if walking:
        return "T3"
    heart_rate, breathing, systolic, _, _, gcs, _ = signs
    if breathing < tables.respiratory_low or breathing > tables.respiratory_high:
        return "T1"
    if heart_rate > tables.heart_rate_high or systolic < tables.systolic_low:
        return "T1"
    if gcs < tables.gcs_low:
        return "T1"
    return "T2"


def triage(tables: PhysiologyTables, s: float, signs: Signs, walking: bool) -> str:
    """The sieve's category, or expectant (T4) for the unsurvivable."""
    if s >= tables.expectant_at:
        return "T4"
    return sieve(tables, signs, walking)


class Injury:
    """A living casualty's state at injury: severity, own resting values, what the
    conditions do, the signs a medic finds, whether they walk, and the triage given.

    A plain class (compiled, its __init__ is native code; see detail.Casualty)."""

    def __init__(
        self,
        s: float,
        rest: Baseline,
        profile: Profile,
        signs: Signs,
        walking: bool,
        triage: str,
    ) -> None:
        self.s = s
        self.rest = rest
        self.profile = profile
        self.signs = signs
        self.walking = walking
        self.triage = triage


def at_injury(
    rng: random.Random, tables: PhysiologyTables, conditions: list[dict[str, Any]], band: str
) -> Injury:
    """Severity drawn inside the band the wounds were chosen for, then the signs."""
    r = rng.random
    low, span = tables.severity_bands[band]
    s = low + span * r()
    rest = baseline(r, tables)
    profile = tables.profile(conditions)
    found = signs(r, tables, rest, profile, s)
    walking = walks(tables, profile, s, found)
    return Injury(s, rest, profile, found, walking, triage(tables, s, found, walking))
