"""Assembles a casualty's clinical detail into record fields: treatments, vital signs,
re-triage on the timeline, ATMIST handovers and 9-line MEDEVAC requests.

Times are compared as seconds after the scenario start (the timeline's own numbers);
ISO strings are written once per time and only read back for output.
"""

from __future__ import annotations

import random
from typing import Any

from generation import clinical, paperwork
from generation.clinical import Signs, Treatment
from generation.clock import Clock
from generation.tables import Tables

ASSESSED = ("arrival", "departure", "evacuated")
VENTILATED = frozenset({"112798008", "424979004", "385857005"})
LITTER_REGIONS = frozenset({"lower_limb", "thorax", "abdomen", "other"})
NEVER = 1 << 62  # seconds: later than any time of any scenario


class Casualty:
    """What the detail needs to know about a casualty already drawn.

    A plain class, not a dataclass: compiled, its __init__ is native code, where a
    dataclass's generated __init__ stays interpreted Python (once per patient)."""

    def __init__(
        self,
        *,
        age: int,
        sex: str,
        nationality: str,
        front: str,
        category: str,
        mechanism: str,
        triage: str,
        precedence: str | None,
        region: str,
        conditions: list[dict[str, Any]],
        outcome: str,
        injury_time: str,
    ) -> None:
        self.age = age
        self.sex = sex
        self.nationality = nationality
        self.front = front
        self.category = category
        self.mechanism = mechanism
        self.triage = triage
        self.precedence = precedence
        self.region = region
        self.conditions = conditions
        self.outcome = outcome
        self.injury_time = injury_time


def clinical_detail(
    rng: random.Random,
    tables: Tables,
    clock: Clock,
    casualty: Casualty,
    timeline: list[tuple[int, str, str]],
    times: list[str],
    entries: list[dict[str, Any]],
    record: dict[str, Any],
) -> None:
    """Adds the clinical detail fields to `record`; arrivals in `entries` (the timeline as
    written, `times` its ISO times) get their re-triage."""
    ct = tables.clinical
    tags = clinical.patient_tags(ct, casualty.conditions, casualty.category)
    if casualty.mechanism == tables.cbrn.mechanism and tables.cbrn.warfare >= 0:
        tags = tags | tables.cbrn.tags  # the agent's own treatments (autoinjector, ...)
    severity = "T1" if casualty.triage == "DEAD" else casualty.triage
    given = clinical.treatments(rng, ct, tags, severity, clinical.stays(timeline))
    given_times = [clock.iso(when) for when, _, _, _ in given]
    # Parallel lists are walked by index here, not zip(strict=True): compiled, that zip
    # is a generic call.
    treatments = [
        {"time": given_times[i], "facility": place, "code": code, "display": display}
        for i, (_, place, code, display) in enumerate(given)
    ]
    # Order matters for byte-identical output: transport, treatments, vitals, handovers, 9-lines.
    transport = _transport(casualty)
    record["transport"] = transport
    record["treatments"] = treatments
    if casualty.outcome == "KIA":
        record["vitals"] = []
        record["handovers"] = []
        record["medevac_requests"] = []
        return
    vitals, signs_at_arrival = _vitals(rng, tables, casualty, tags, timeline, times, entries, given)
    record["vitals"] = vitals
    record["handovers"] = _handovers(
        casualty, timeline, times, signs_at_arrival, given, given_times
    )
    record["medevac_requests"] = _medevac(
        rng, tables, casualty, timeline, times, given, transport == "litter"
    )


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
    times: list[str],
    entries: list[dict[str, Any]],
    given: list[Treatment],
) -> tuple[list[dict[str, Any]], dict[int, Signs]]:
    """Signs at injury and at every arrival and departure; arrivals are re-triaged.

    Returns the vitals entries and the signs at each arrival, by timeline index.
    """
    ct = tables.clinical
    points = [0] + [i for i, (_, _, event) in enumerate(timeline) if event in ASSESSED]
    path = clinical.severity_path(rng, ct, casualty.triage, casualty.outcome, len(points))
    # Fever is treated from the first facility on (treatments are in time order).
    first_care = NEVER
    for when, place, _, _ in given:
        if place != "POI":
            first_care = when
            break
    has_fever = "fever" in tags or "infection" in tags
    neuro = 11 if "tbi" in tags else 3
    r = rng.random
    result = []
    at_arrival: dict[int, Signs] = {}
    for point, index in enumerate(points):
        s = path[point]
        when, facility, event = timeline[index]
        fever = (0.5 if when >= first_care else 1.0) if has_fever else 0.0
        signs = clinical.vital_signs(r, ct, s, neuro, fever)
        heart_rate, breathing, systolic, diastolic, spo2, gcs, temperature = signs
        result.append(
            {
                "time": times[index],
                "facility": facility,
                "context": "injury" if index == 0 else event,
                "heart_rate": heart_rate,
                "respiratory_rate": breathing,
                "systolic": systolic,
                "diastolic": diastolic,
                "spo2": spo2,
                "gcs": gcs,
                "temperature": temperature,
            }
        )
        if event == "arrival":
            entries[index]["triage"] = clinical.retriage(ct, s)
            at_arrival[index] = signs
    return result, at_arrival


def _handovers(
    casualty: Casualty,
    timeline: list[tuple[int, str, str]],
    times: list[str],
    signs_at_arrival: dict[int, Signs],
    given: list[Treatment],
    given_times: list[str],
) -> list[dict[str, Any]]:
    """An ATMIST at every transfer of care (each arrival), with the signs taken then."""
    report = paperwork.Atmist(
        casualty.age,
        casualty.sex,
        casualty.injury_time,
        casualty.mechanism,
        paperwork.injury_texts(casualty.conditions),
        [(display, given_times[i]) for i, (_, _, _, display) in enumerate(given)],
    )
    handovers = []
    previous = "POI"
    done = 0  # treatments given by the current arrival: times increase along both lists
    for index in range(1, len(timeline)):
        when, facility, event = timeline[index]
        if event != "arrival":
            continue
        while done < len(given) and given[done][0] <= when:
            done += 1
        handovers.append(
            report.handover(times[index], previous, facility, signs_at_arrival[index], done)
        )
        previous = facility
    return handovers


def _medevac(
    rng: random.Random,
    tables: Tables,
    casualty: Casualty,
    timeline: list[tuple[int, str, str]],
    times: list[str],
    given: list[Treatment],
    litter: bool,
) -> list[dict[str, Any]]:
    """A 9-line request for each evacuation leaving the point of injury or Role 1."""
    # On a ventilator from the first ventilation on (treatments are in time order).
    ventilated_from = NEVER
    for when, _, code, _ in given:
        if code in VENTILATED:
            ventilated_from = when
            break
    requests = []
    for index in range(1, len(timeline)):
        leaving, here, _ = timeline[index - 1]
        _, there, event = timeline[index]
        if here not in ("POI", "R1") or event != "arrival" or here == there:
            continue
        requests.append(
            paperwork.nine_line(
                rng,
                tables.clinical,
                time=times[index - 1],
                source=here,
                destination=there,
                front=casualty.front,
                precedence=casualty.precedence or "routine",
                litter=litter,
                nationality=casualty.nationality,
                mechanism=casualty.mechanism,
                needs_ventilator=ventilated_from <= leaving,
            )
        )
    return requests
