"""What happened to a casualty: mechanism, coded conditions with body sites, triage
and evacuation precedence."""

from __future__ import annotations

import random
from typing import Any

from generation.choice import Choice
from generation.fastops import pick
from generation.tables import ConditionOption, Tables

CATEGORY_NAMES = ("battle_injury", "non_battle_injury", "disease")


def battle_injury(
    rng: random.Random, tables: Tables, warfare: int, killed: bool
) -> tuple[str, str, list[dict[str, Any]], str]:
    """(mechanism, triage, conditions, region of the main wound) for a battle casualty.

    Triage comes from the warfare type's weights; the wounds fit the triage, so a T1 has
    severe wounds. The killed carry severe wounds and triage DEAD.
    """
    r = rng.random
    mechanism = pick(tables.mechanisms[warfare], r)
    triage = "DEAD" if killed else pick(tables.battle_triage[warfare], r)
    severity = "T1" if triage in ("DEAD", "T4") else triage
    region = pick(tables.regions, r)
    if warfare == tables.cbrn.warfare:
        return mechanism, triage, cbrn_conditions(rng, tables, severity, region), region
    conditions = [
        _condition(rng, tables, tables.battle_conditions[(mechanism, region, severity)], region)
    ]
    if mechanism == "explosive" and rng.random() < 0.35:  # blast often wounds twice
        second = pick(tables.regions, r)
        extra = _condition(
            rng, tables, tables.battle_conditions[(mechanism, second, severity)], second
        )
        if extra["code"] != conditions[0]["code"]:
            conditions.append(extra)
    secondary = severity == "T1" and mechanism in tables.secondary_mechanisms
    if secondary and rng.random() < tables.battle_secondary_probability:
        conditions.append(_condition(rng, tables, tables.battle_secondary, region))
    return mechanism, triage, conditions, region


def cbrn_conditions(
    rng: random.Random, tables: Tables, severity: str, region: str
) -> list[dict[str, Any]]:
    """The agent's conditions for a casualty of this severity: each one present with its
    own probability (the first, the exposure or the disease itself, always)."""
    r = rng.random
    conditions = []
    for (code, display), site, from_region, probability in tables.cbrn.conditions[severity]:
        if probability < 1.0 and r() >= probability:
            continue
        if from_region:
            site = pick(tables.sites[region], r)
        conditions.append(
            {
                "code": code,
                "display": display,
                "body_site": {"code": site[0], "display": site[1]} if site else None,
            }
        )
    return conditions


def non_battle_injury(
    rng: random.Random, tables: Tables
) -> tuple[str, str, list[dict[str, Any]], str]:
    """Heat and cold injuries replace part of the ordinary ones in such environments."""
    triage = pick(tables.dnbi_triage["non_battle_injury"], rng.random)
    draw = rng.random()
    if tables.heat and draw < tables.heat_share:
        return (
            "environmental",
            triage,
            [_condition(rng, tables, tables.heat[triage], "other")],
            "other",
        )
    if tables.cold and draw < tables.heat_share + tables.cold_share:
        return (
            "environmental",
            triage,
            [_condition(rng, tables, tables.cold[triage], "other")],
            "other",
        )
    condition = _condition(rng, tables, tables.non_battle[triage], "other")
    # The injury decides how it happened: whiplash in a vehicle, a sprain at sport.
    mechanisms = tables.nbi_mechanisms.get(condition["code"], tables.non_battle_mechanisms)
    mechanism = pick(mechanisms, rng.random)
    return mechanism, triage, [condition], "other"


def disease(
    rng: random.Random, tables: Tables, female: bool = False
) -> tuple[str, str, list[dict[str, Any]], str]:
    """An illness from the theatre's table for the casualty's sex."""
    triage = pick(tables.dnbi_triage["disease"], rng.random)
    if rng.random() < tables.psychiatric_share:
        return (
            "psychological",
            triage,
            [_condition(rng, tables, tables.psychiatric[triage], "other")],
            "other",
        )
    table = tables.disease_by_sex[1 if female else 0]
    return "illness", triage, [_condition(rng, tables, table[triage], "other")], "other"


def precedence(
    tables: Tables, triage: str, region: str, category: int, conditions: list[dict[str, Any]]
) -> str | None:
    """Evacuation precedence from triage; a T1 battle casualty whose torso is wounded or
    who bleeds needs a surgeon first (urgent surgical)."""
    if triage == "DEAD":
        return None
    value = tables.precedence_by_triage[triage]
    if value == "urgent" and category == 0:
        if region in tables.urgent_surgical_regions:
            return "urgent_surgical"
        tags = tables.clinical.condition_tags
        for condition in conditions:
            # isdisjoint, not &: no new set per condition (once per patient)
            if not tables.urgent_surgical_tags.isdisjoint(tags.get(condition["code"], _NO_TAGS)):
                return "urgent_surgical"
    return value


def disposition(tables: Tables, conditions: list[dict[str, Any]]) -> str:
    """Which outcomes the injuries leave open: "no_rtd" when any needs long care (never
    back to duty in theatre), "stay" when all are trivial (never evacuated out of
    theatre), "" otherwise."""
    tags = tables.clinical.condition_tags
    trivial = True
    for condition in conditions:
        code = condition["code"]
        found = tags.get(code, _NO_TAGS)
        if code in tables.never_rtd_codes or not tables.never_rtd_tags.isdisjoint(found):
            return "no_rtd"
        if code not in tables.stay_codes and tables.stay_tags.isdisjoint(found):
            trivial = False
    return "stay" if trivial else ""


_NO_TAGS: frozenset[str] = frozenset()


def _condition(
    rng: random.Random, tables: Tables, options: Choice[ConditionOption], region: str
) -> dict[str, Any]:
    (code, display), site, from_region = pick(options, rng.random)
    if from_region:
        site = pick(tables.sites[region], rng.random)
    return {
        "code": code,
        "display": display,
        "body_site": {"code": site[0], "display": site[1]} if site else None,
    }
