"""Assembles a casualty's clinical detail into record fields: treatments, vital signs,
re-triage on the timeline, ATMIST handovers and 9-line MEDEVAC requests.

Times are compared as seconds after the scenario start (the timeline's own numbers);
ISO strings are written once per time and only read back for output.
"""

from __future__ import annotations

import random
from typing import Any

from generation import clinical, paperwork, physiology
from generation.clinical import Treatment
from generation.clock import Clock
from generation.physiology import Injury, Signs
from generation.tables import Tables

ASSESSED = ("arrival", "departure", "evacuated")
VENTILATED = frozenset({"112798008", "424979004", "385857005"})
NEVER = 1 << 62  # seconds: later than any time of any scenario
# A 9-line is asked for casualties who must be carried or flown: litter cases and every
# urgent or priority one. The walking routine sick go to sick call without one.
NINE_LINE_PRECEDENCES = frozenset({"urgent", "urgent_surgical", "priority"})
AIR_PRECEDENCES = frozenset({"urgent", "urgent_surgical"})
# Minutes from injury to the 9-line: reaching and assessing the casualty (CALIBRATION.md
# F6: a medic reaches a casualty in a median 5 minutes), then the call: [low, low + span).
REQUEST_AFTER = (3.0, 12.0)
ON_FOOT_SHARE = 0.4  # of the walking routine sick; the rest go by unit transport


class Casualty:
    """What the detail needs to know about a casualty already drawn.

    A plain class, not a dataclass (docs/engine-api.md, internals: dataclass-init)."""

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
        injury: Injury | None,
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
        self.injury = injury  # None for the killed


def clinical_detail(
    rng: random.Random,
    tables: Tables,
    clock: Clock,
    casualty: Casualty,
    timeline: list[tuple[int, str, str]],
    times: list[str],
    entries: list[dict[str, Any]],
    record: dict[str, Any],
) -> tuple[list[Treatment], list[int]]:
    """Adds the clinical detail fields to `record`; arrivals in `entries` (the timeline as
    written, `times` its ISO times) get their re-triage. Returns, for the figures and the
    playback, the treatments given and when each 9-line request was sent (seconds)."""
    ct = tables.clinical
    tags = clinical.patient_tags(ct, casualty.conditions, casualty.category)
    if casualty.mechanism == tables.cbrn.mechanism and tables.cbrn.warfare >= 0:
        tags = tags | tables.cbrn.tags  # the agent's own treatments (autoinjector, ...)
    severity = "T1" if casualty.triage == "DEAD" else casualty.triage
    given = clinical.treatments(rng, ct, tags, severity, clinical.stays(timeline))
    given_times = [clock.iso(t[0]) for t in given]
    # Parallel lists are walked by index here, not zip(strict=True): compiled, that zip
    # is a generic call.
    treatments = [_treatment(given_times[i], t) for i, t in enumerate(given)]
    # Order matters for byte-identical output: transport, movement, treatments, vitals,
    # handovers, 9-lines.
    injury = casualty.injury
    transport = "ambulatory" if injury is not None and injury.walking else "litter"
    record["transport"] = transport
    needs_request = transport == "litter" or casualty.precedence in NINE_LINE_PRECEDENCES
    record["movement"] = _movement(rng, casualty, needs_request)
    record["treatments"] = treatments
    if injury is None:
        record["vitals"] = []
        record["handovers"] = []
        record["medevac_requests"] = []
        return given, []
    vitals, signs_at_arrival = _vitals(rng, tables, casualty, injury, timeline, times, entries)
    record["vitals"] = vitals
    record["handovers"] = _handovers(clock, casualty, timeline, times, signs_at_arrival, given)
    sent: list[int] = []
    record["medevac_requests"] = (
        _medevac(rng, tables, clock, casualty, timeline, times, given, transport == "litter", sent)
        if needs_request
        else []
    )
    return given, sent


def _treatment(time: str, given: Treatment) -> dict[str, Any]:
    """A treatment as written; a drug administration names its drug (`medication`)."""
    _, place, code, display, (drug, drug_display) = given
    entry: dict[str, Any] = {"time": time, "facility": place, "code": code, "display": display}
    if drug:
        entry["medication"] = {"code": drug, "display": drug_display}
    return entry


def _movement(rng: random.Random, casualty: Casualty, needs_request: bool) -> str | None:
    """How the casualty leaves the point of injury: by air or ground ambulance after a
    9-line, or, walking and routine, to sick call on foot or by unit transport."""
    if casualty.injury is None:
        return None
    if needs_request:
        return "air_ambulance" if casualty.precedence in AIR_PRECEDENCES else "ground_ambulance"
    return "on_foot" if rng.random() < ON_FOOT_SHARE else "unit_vehicle"


def _vitals(
    rng: random.Random,
    tables: Tables,
    casualty: Casualty,
    injury: Injury,
    timeline: list[tuple[int, str, str]],
    times: list[str],
    entries: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[int, Signs]]:
    """Signs at injury and at every arrival and departure; arrivals are re-triaged by the
    same sieve as at injury.

    Returns the vitals entries and the signs at each arrival, by timeline index.
    """
    pt = tables.physiology
    points = [0] + [i for i, (_, _, event) in enumerate(timeline) if event in ASSESSED]
    path = clinical.severity_path(rng, tables.clinical, injury.s, casualty.outcome, len(points))
    r = rng.random
    result = []
    at_arrival: dict[int, Signs] = {}
    for point, index in enumerate(points):
        s = path[point]
        _, facility, event = timeline[index]
        if point == 0:
            signs = injury.signs
        else:
            signs = physiology.signs(r, pt, injury.rest, injury.profile, s)
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
            walking = injury.walking and physiology.walks(pt, injury.profile, s, signs)
            entries[index]["triage"] = physiology.triage(pt, s, signs, walking)
            at_arrival[index] = signs
    return result, at_arrival


def _handovers(
    clock: Clock,
    casualty: Casualty,
    timeline: list[tuple[int, str, str]],
    times: list[str],
    signs_at_arrival: dict[int, Signs],
    given: list[Treatment],
) -> list[dict[str, Any]]:
    """An ATMIST at every transfer of care (each arrival), with the signs taken then."""
    report = paperwork.Atmist(
        casualty.age,
        casualty.sex,
        casualty.injury_time,
        clock.dtg(timeline[0][0]),
        casualty.mechanism,
        paperwork.injury_texts(casualty.conditions),
        # A drug by its name ("Tranexamic acid"), not as "Administration of drug ...".
        [(t[4][1] or t[3], clock.dtg(t[0])) for t in given],
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
            report.handover(
                times[index], clock.dtg(when), previous, facility, signs_at_arrival[index], done
            )
        )
        previous = facility
    return handovers


def _medevac(
    rng: random.Random,
    tables: Tables,
    clock: Clock,
    casualty: Casualty,
    timeline: list[tuple[int, str, str]],
    times: list[str],
    given: list[Treatment],
    litter: bool,
    sent_at: list[int],
) -> list[dict[str, Any]]:
    """A 9-line request for each evacuation leaving the point of injury or Role 1: from
    the point of injury a few minutes after the injury, from Role 1 as it is left. The
    times they are sent are appended to `sent_at`."""
    # On a ventilator from the first ventilation on (treatments are in time order).
    ventilated_from = NEVER
    for t in given:
        if t[2] in VENTILATED:
            ventilated_from = t[0]
            break
    requests = []
    for index in range(1, len(timeline)):
        leaving, here, _ = timeline[index - 1]
        arriving, there, event = timeline[index]
        if here not in ("POI", "R1") or event != "arrival" or here == there:
            continue
        sent, time = leaving, times[index - 1]
        if here == "POI":
            sent = _request_time(rng, leaving, arriving)
            time = clock.iso(sent)
        sent_at.append(sent)
        requests.append(
            paperwork.nine_line(
                rng,
                tables.clinical,
                time=time,
                dtg=clock.dtg(sent),
                source=here,
                destination=there,
                front=casualty.front,
                precedence=casualty.precedence or "routine",
                litter=litter,
                nationality=casualty.nationality,
                mechanism=casualty.mechanism,
                needs_ventilator=ventilated_from <= sent,
            )
        )
    return requests


def _request_time(rng: random.Random, injured: int, arrived: int) -> int:
    """When the 9-line from the point of injury is sent: a few minutes after the injury,
    and never later than half-way to the casualty's arrival at care."""
    low, span = REQUEST_AFTER
    sent = injured + int((low + span * rng.random()) * 60)
    limit = injured + (arrived - injured) // 2
    return sent if sent < limit else limit
