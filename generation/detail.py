"""Assembles a casualty's clinical detail into record fields: treatments, vital signs,
re-triage on the timeline, ATMIST handovers and 9-line MEDEVAC requests."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generation import clinical, paperwork
from generation.tables import Tables

ASSESSED = ("arrival", "departure", "evacuated")
VENTILATED = frozenset({"112798008", "424979004", "385857005"})
LITTER_REGIONS = frozenset({"lower_limb", "thorax", "abdomen", "other"})


@dataclass(frozen=True)
class Casualty:
    """What the detail needs to know about a casualty already drawn."""

    age: int
    sex: str
    nationality: str
    front: str
    category: str
    mechanism: str
    triage: str
    precedence: str | None
    region: str
    conditions: list[dict[str, Any]]
    outcome: str


def clinical_detail(
    rng: random.Random,
    tables: Tables,
    iso: Callable[[int], str],
    casualty: Casualty,
    timeline: list[tuple[int, str, str]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(timeline entries with re-triage, extra record fields)."""
    ct = tables.clinical
    tags = clinical.patient_tags(ct, casualty.conditions, casualty.category)
    severity = "T1" if casualty.triage == "DEAD" else casualty.triage
    given = clinical.treatments(rng, ct, tags, severity, clinical.stays(timeline))
    for treatment in given:
        treatment["time"] = iso(treatment["time"])
    entries = [{"time": iso(t), "facility": f, "event": e} for t, f, e in timeline]
    fields: dict[str, Any] = {"transport": _transport(casualty), "treatments": given}
    # Order matters for byte-identical output: transport, treatments, vitals, handovers, 9-lines.
    if casualty.outcome == "KIA":
        fields.update(vitals=[], handovers=[], medevac_requests=[])
        return entries, fields
    vitals = _vitals(rng, tables, casualty, tags, timeline, entries, given)
    fields["vitals"] = vitals
    fields["handovers"] = _handovers(casualty, entries, vitals, given)
    fields["medevac_requests"] = _medevac(rng, tables, casualty, entries, given)
    return entries, fields


def _transport(casualty: Casualty) -> str:
    """Litter for the seriously hurt and for battle wounds that stop a casualty walking."""
    if casualty.triage in ("T1", "T2", "T4", "DEAD"):
        return "litter"
    if casualty.category == "battle_injury" and casualty.region in LITTER_REGIONS:
        return "litter"
    return "ambulatory"


def _vitals(
    rng: random.Random,
    tables: Tables,
    casualty: Casualty,
    tags: frozenset[str],
    timeline: list[tuple[int, str, str]],
    entries: list[dict[str, Any]],
    given: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Signs at injury and at every arrival and departure; arrivals are re-triaged."""
    ct = tables.clinical
    points = [0] + [i for i, (_, _, event) in enumerate(timeline) if event in ASSESSED]
    path = clinical.severity_path(rng, ct, casualty.triage, casualty.outcome, len(points))
    # Fever is treated from the first facility on; ISO times compare as strings.
    first_care = min((t["time"] for t in given if t["facility"] != "POI"), default="~")
    result = []
    for index, s in zip(points, path, strict=True):
        entry = entries[index]
        signs = clinical.vital_signs(rng, ct, s, tags, entry["time"] >= first_care)
        context = "injury" if index == 0 else entry["event"]
        result.append(
            {"time": entry["time"], "facility": entry["facility"], "context": context, **signs}
        )
        if entry["event"] == "arrival":
            entry["triage"] = clinical.retriage(ct, s)
    return result


def _handovers(
    casualty: Casualty,
    entries: list[dict[str, Any]],
    vitals: list[dict[str, Any]],
    given: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """An ATMIST at every transfer of care (each arrival), with the signs taken then."""
    signs_at = {(v["time"], v["facility"]): v for v in vitals}
    injuries = paperwork.injury_texts(casualty.conditions)
    handovers = []
    previous = "POI"
    for entry in entries[1:]:
        if entry["event"] != "arrival":
            continue
        before = [t for t in given if t["time"] <= entry["time"]]
        signs = signs_at[(entry["time"], entry["facility"])]
        report = paperwork.atmist(
            casualty.age,
            casualty.sex,
            entries[0]["time"],
            casualty.mechanism,
            injuries,
            signs,
            before,
        )
        handovers.append(
            {"time": entry["time"], "from": previous, "to": entry["facility"], **report}
        )
        previous = entry["facility"]
    return handovers


def _medevac(
    rng: random.Random,
    tables: Tables,
    casualty: Casualty,
    entries: list[dict[str, Any]],
    given: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """A 9-line request for each evacuation leaving the point of injury or Role 1."""
    requests = []
    for leaving, arriving in itertools.pairwise(entries):
        if leaving["facility"] not in ("POI", "R1") or arriving["event"] != "arrival":
            continue
        if leaving["facility"] == arriving["facility"]:
            continue
        ventilated = any(t["code"] in VENTILATED and t["time"] <= leaving["time"] for t in given)
        request = paperwork.nine_line(
            rng,
            tables.clinical,
            front=casualty.front,
            precedence=casualty.precedence or "routine",
            litter=_transport(casualty) == "litter",
            nationality=casualty.nationality,
            mechanism=casualty.mechanism,
            needs_ventilator=ventilated,
        )
        requests.append(
            {
                "time": leaving["time"],
                "from": leaving["facility"],
                "to": arriving["facility"],
                **request,
            }
        )
    return requests
