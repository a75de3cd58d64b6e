"""FHIR R4 bulk-data NDJSON: one `collection` Bundle per patient, one Bundle per line.

Built from plain dicts and encoded with orjson (no FHIR library at generation time, for
speed). Every id derives from the record id and every `fullUrl` is a UUID5 of type and
id, so the bytes depend only on the records. References inside a Bundle use those
fullUrls. The mapping is described in docs/fhir.md.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import orjson

from generation import reference
from generation.paperwork import MECHANISM_WORDS
from generation.scenario import CATEGORY_LABELS

Record = dict[str, Any]
Json = dict[str, Any]

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
DISCHARGE = "http://terminology.hl7.org/CodeSystem/discharge-disposition"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority"
PATIENT_ID_SYSTEM = "urn:medgen:patient-id"
SERVICE_NUMBER_SYSTEM = "urn:medgen:service-number"  # + ":<nation>": numbers are national
MEDGEN_TAG_SYSTEM = "urn:medgen:tag"
# MedGen's own extensions (no core element holds these): stable absolute URLs under the
# project's namespace, documented in docs/fhir.md.
MEDGEN_FHIR = "https://medgen.example/fhir"
RANK_EXTENSION = f"{MEDGEN_FHIR}/StructureDefinition/rank"  # valueCode: STANAG 2116 code
UNIT_EXTENSION = f"{MEDGEN_FHIR}/StructureDefinition/unit"  # valueString: unit name
# The casualty event behind a Condition: a complex extension (see _casualty_event).
CASUALTY_EVENT_EXTENSION = f"{MEDGEN_FHIR}/StructureDefinition/casualty-event"
# valueCode: the timeline's waiting_for_* event a statusHistory period stands for
WAIT_EXTENSION = f"{MEDGEN_FHIR}/StructureDefinition/capacity-wait"
# MedGen's own code systems: the codes are the record's values, the displays its labels.
CASUALTY_CATEGORY_SYSTEM = f"{MEDGEN_FHIR}/CodeSystem/casualty-category"
MECHANISM_SYSTEM = f"{MEDGEN_FHIR}/CodeSystem/injury-mechanism"
WARFARE_TYPE_SYSTEM = f"{MEDGEN_FHIR}/CodeSystem/warfare-type"
SPECIAL_EVENT_SYSTEM = f"{MEDGEN_FHIR}/CodeSystem/special-event"
# FHIR's core extension for what caused a Condition (R4, context Condition).
DUE_TO_EXTENSION = "http://hl7.org/fhir/StructureDefinition/condition-dueTo"

META: Json = {
    "tag": [
        {"system": ACT_REASON, "code": "HTEST", "display": "test health data"},
        {"system": MEDGEN_TAG_SYSTEM, "code": "EXERCISE", "display": "Synthetic exercise data"},
    ]
}
# Every resource carries the same meta: encoded once, spliced in by orjson.
_META = orjson.Fragment(orjson.dumps(META))
# Fixed namespace: the same resource gets the same fullUrl in every run.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:medgen:fhir")
_NAMESPACE_HASH = hashlib.sha1(_NAMESPACE.bytes, usedforsecurity=False)
# The variant nibble keeps its low two bits and becomes 10xx (RFC 4122 variant).
_VARIANT = {f"{n:x}": "89ab"[n & 3] for n in range(16)}


def _coding(system: str, code: str, display: str) -> Json:
    return {"system": system, "code": code, "display": display}


def _concept(system: str, code: str, display: str, text: bool = True) -> Json:
    concept: Json = {"coding": [_coding(system, code, display)]}
    if text:  # left off fixed status/category concepts, where it only repeats the display
        concept["text"] = display
    return concept


def _loinc(*codings: tuple[str, str]) -> Json:
    """A LOINC concept; the first coding is the primary one and names the text."""
    return {"coding": [_coding(LOINC, c, d) for c, d in codings], "text": codings[0][1]}


def _fixed(value: Any) -> orjson.Fragment:
    """A value the same for every patient, encoded once (orjson copies the bytes)."""
    return orjson.Fragment(orjson.dumps(value))


ROLE_NAMES = {
    "POI": "Point of injury",
    "R1": "Role 1",
    "R2": "Role 2",
    "R3": "Role 3",
    "R4": "Role 4",
}
# R1 is an aid station (emergency care); R2-R4 admit and hold patients.
ENCOUNTER_CLASS = {
    "R1": _coding(ACT_CODE, "EMER", "emergency"),
    "R2": _coding(ACT_CODE, "IMP", "inpatient encounter"),
    "R3": _coding(ACT_CODE, "IMP", "inpatient encounter"),
    "R4": _coding(ACT_CODE, "IMP", "inpatient encounter"),
}
_TRANSFERRED = _concept(DISCHARGE, "other-hcf", "Other healthcare facility")
# The timeline event that ends a stay -> how the patient left that role.
DISPOSITIONS = {
    "departure": _TRANSFERRED,
    "evacuated": _TRANSFERRED,
    "rtd": _concept(DISCHARGE, "home", "Home"),  # returned to duty: back to the unit
    "death": _concept(DISCHARGE, "exp", "Expired"),
}
ACTIVE = _concept(CONDITION_CLINICAL, "active", "Active", text=False)
CONFIRMED = _concept(CONDITION_VERIFICATION, "confirmed", "Confirmed", text=False)
ENCOUNTER_DIAGNOSIS = [
    _concept(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis", text=False)
]
# Condition.category per casualty category: the HL7 category, then MedGen's (battle
# injury, non-battle injury, disease: what makes a casualty WIA or DNBI).
CONDITION_CATEGORIES = {
    category: [
        *ENCOUNTER_DIAGNOSIS,
        _concept(CASUALTY_CATEGORY_SYSTEM, category, label, text=False),
    ]
    for category, label in CATEGORY_LABELS.items()
}
LABORATORY = [_concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory", text=False)]
VITAL_SIGNS = [_concept(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs", text=False)]
SURVEY = [_concept(OBSERVATION_CATEGORY, "survey", "Survey", text=False)]  # GCS is a score

# LOINC codes, all from the verified reference table (shared/reference/loinc.csv).
BLOOD_GROUP = _loinc(("882-1", "ABO and Rh group [Type] in Blood"))
# Record key -> (id suffix, code, UCUM code, unit as shown).
VITAL_QUANTITIES = {
    "heart_rate": ("hr", _loinc(("8867-4", "Heart rate")), "/min", "beats/minute"),
    "respiratory_rate": ("rr", _loinc(("9279-1", "Respiratory rate")), "/min", "breaths/minute"),
    "spo2": (
        "spo2",
        _loinc(
            ("2708-6", "Oxygen saturation in Arterial blood"),  # the FHIR vital-signs code
            ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
        ),
        "%",
        "%",
    ),
    "temperature": ("temp", _loinc(("8310-5", "Body temperature")), "Cel", "Cel"),
}
BLOOD_PRESSURE = _loinc(("85354-9", "Blood pressure panel with all children optional"))
BLOOD_PRESSURE_PARTS = {
    "systolic": _loinc(("8480-6", "Systolic blood pressure")),
    "diastolic": _loinc(("8462-4", "Diastolic blood pressure")),
}
GCS_TOTAL = _loinc(("9269-2", "Glasgow coma score total"))

# SNOMED CT codes the writer itself uses, from the verified table (shared/reference).
TRIAGE_INDEX = {
    "coding": [_coding(SNOMED, "273887006", "Triage index")],
    "text": "NATO triage category",
}
TRANSFER_OF_CARE = [_concept(SNOMED, "308292007", "Transfer of care")]
MEDEVAC = {
    "coding": [_coding(SNOMED, "107724000", "Patient transfer")],
    "text": "MEDEVAC (9-line request)",
}
ATMIST_HANDOVER = {"text": "ATMIST handover"}
# Mechanisms whose meaning a SNOMED CT event of the verified table also names; the rest
# (burns, training injuries, illness…) have only MedGen's code.
MECHANISM_EVENTS = {
    mechanism: _coding(SNOMED, code, display)
    for mechanism, code, display in (
        ("explosive", "39826003", "Struck by explosion"),
        ("gunshot", "63409001", "Struck by firearm discharge"),
        ("fall", "1912002", "Fall"),
        ("radiological", "218190002", "Exposure to radiation"),
    )
}

# Evacuation precedence (STANAG 3204) -> v3 ActPriority on Encounters, keeping MedGen's
# term as text: urgent and urgent-surgical call for immediate action, priority for prompt
# action, routine can wait for the usual course (within 24 hours).
ENCOUNTER_PRIORITY = {
    precedence: {"coding": [_coding(ACT_PRIORITY, code, display)], "text": precedence}
    for precedence, code, display in (
        ("urgent", "EM", "emergency"),
        ("urgent_surgical", "EM", "emergency"),
        ("priority", "UR", "urgent"),
        ("routine", "R", "routine"),
    )
}
# ... and the same ranks in ServiceRequest.priority's required request-priority codes.
REQUEST_PRIORITY = {
    "urgent": "stat",
    "urgent_surgical": "stat",
    "priority": "urgent",
    "routine": "routine",
}

_ACTIVE, _CONFIRMED = _fixed(ACTIVE), _fixed(CONFIRMED)
_CONDITION_CATEGORIES = {key: _fixed(value) for key, value in CONDITION_CATEGORIES.items()}
_LABORATORY, _VITAL_SIGNS, _SURVEY = _fixed(LABORATORY), _fixed(VITAL_SIGNS), _fixed(SURVEY)
_BLOOD_GROUP, _GCS_TOTAL = _fixed(BLOOD_GROUP), _fixed(GCS_TOTAL)
_BLOOD_PRESSURE = _fixed(BLOOD_PRESSURE)
_BLOOD_PRESSURE_PARTS = {key: _fixed(code) for key, code in BLOOD_PRESSURE_PARTS.items()}
_VITALS = {
    key: (suffix, _fixed(code), ucum, unit)
    for key, (suffix, code, ucum, unit) in VITAL_QUANTITIES.items()
}
_TRIAGE_INDEX, _MEDEVAC = _fixed(TRIAGE_INDEX), _fixed(MEDEVAC)
_TRANSFER_OF_CARE, _ATMIST_HANDOVER = _fixed(TRANSFER_OF_CARE), _fixed(ATMIST_HANDOVER)
_ENCOUNTER_PRIORITY = {key: _fixed(concept) for key, concept in ENCOUNTER_PRIORITY.items()}
_ENCOUNTER_CLASS = {role: _fixed(coding) for role, coding in ENCOUNTER_CLASS.items()}
_LOCATION = {role: _fixed([{"location": {"display": ROLE_NAMES[role]}}]) for role in ROLE_NAMES}
_ROLE = {role: _fixed({"display": name}) for role, name in ROLE_NAMES.items()}
_DISPOSITIONS = {event: _fixed(concept) for event, concept in DISPOSITIONS.items()}


def render_fhir(records: Sequence[Record]) -> bytes:
    """One Bundle per record, each on its own line (FHIR bulk-data NDJSON)."""
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    return b"".join([dumps(patient_bundle(r), option=newline) for r in records])


def full_url(resource_type: str, resource_id: str) -> str:
    """`urn:uuid:` + uuid5(_NAMESPACE, "Type/id"), the same value as `uuid.uuid5`.

    Spelled out with hashlib because building `uuid.UUID` objects costs more than the
    rest of a resource (copying a hash already fed the namespace is cheaper than a new
    one); the version and variant bits are set as RFC 4122 says.
    """
    hasher = _NAMESPACE_HASH.copy()
    hasher.update(f"{resource_type}/{resource_id}".encode())
    digest = hasher.hexdigest()
    return (
        f"urn:uuid:{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-"
        f"{_VARIANT[digest[16]]}{digest[17:20]}-{digest[20:32]}"
    )


class _Bundle:
    """One patient's entries; resource ids are `<record id>-<suffix>`."""

    __slots__ = ("entries", "record_id")

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        self.entries: list[Json] = []

    def ref(self, resource_type: str, suffix: str = "") -> Json:
        """A reference to a resource of this bundle, whether added yet or not."""
        return {"reference": full_url(resource_type, self._id(suffix))}

    def resource(self, resource_type: str, suffix: str = "", url: str = "") -> Json:
        """A new resource entered in the bundle, for the caller to fill in.

        `url` is its fullUrl when already known (hashing is a good part of the cost).
        """
        resource_id = self._id(suffix)
        resource = {"resourceType": resource_type, "id": resource_id, "meta": _META}
        self.entries.append(
            {"fullUrl": url or full_url(resource_type, resource_id), "resource": resource}
        )
        return resource

    def observation(
        self,
        suffix: str,
        category: orjson.Fragment,
        code: orjson.Fragment,
        context: Json,
        element: str,
        value: Any,
    ) -> None:
        """A `final` Observation; `context` from `_context`, `value` in `element`.

        Built as one literal: Observations are most of a Bundle.
        """
        resource_id = f"{self.record_id}-{suffix}"
        self.entries.append(
            {
                "fullUrl": full_url("Observation", resource_id),
                "resource": {
                    "resourceType": "Observation",
                    "id": resource_id,
                    "meta": _META,
                    "status": "final",
                    "category": category,
                    "code": code,
                    **context,
                    element: value,
                },
            }
        )

    def last_ref(self) -> Json:
        """A reference to the resource added last."""
        return {"reference": self.entries[-1]["fullUrl"]}

    def to_json(self) -> Json:
        return {
            "resourceType": "Bundle",
            "id": self.record_id,
            "meta": _META,
            "type": "collection",
            "entry": self.entries,
        }

    def _id(self, suffix: str) -> str:
        return f"{self.record_id}-{suffix}" if suffix else self.record_id


class _Stay:
    """A visit to one role: arrival (with re-triage, if any) and the event that ended it."""

    __slots__ = ("end", "end_event", "facility", "start", "triage", "waits")

    def __init__(self, facility: str, start: str, triage: str | None) -> None:
        self.facility, self.start, self.triage = facility, start, triage
        self.end: str | None = None
        self.end_event: str | None = None
        # With capacity: [event, start, end] of each wait for care or lift at this role.
        self.waits: list[list[str]] = []


def _stays(timeline: Sequence[Record]) -> list[_Stay]:
    """Role visits in order; an evacuee's final R4 arrival has no end yet."""
    stays: list[_Stay] = []
    for step in timeline:
        event = step["event"]
        if event == "arrival":
            stays.append(_Stay(step["facility"], step["time"], step.get("triage")))
        elif stays and stays[-1].facility == step["facility"] and stays[-1].end is None:
            if event.startswith("waiting_for"):  # a wait does not end the stay
                stays[-1].waits.append([event, step["time"], ""])
            else:
                stays[-1].end, stays[-1].end_event = step["time"], event
    return stays


def _status_history(record: Record, stay: _Stay) -> list[Json]:
    """Encounter.statusHistory for a stay with waits (capacity only): `arrived` while
    waiting for treatment or surgery (present, not yet seen), `in-progress` while held
    waiting for lift; each marked with the wait's timeline event."""
    history: list[Json] = []
    for i, (event, start, _) in enumerate(stay.waits):
        if event == "waiting_for_evacuation":
            end = stay.end
            status = "in-progress"
        else:  # the wait ended when care began: minutes after injury, in the record
            field = (
                "minutes_to_surgery" if event == "waiting_for_surgery" else "minutes_to_first_care"
            )
            end = _plus_minutes(record["injury_time"], record.get(field))
            status = "arrived"
            limit = stay.waits[i + 1][1] if i + 1 < len(stay.waits) else stay.end
            if end is not None and limit is not None:
                end = min(max(end, start), limit)  # ISO 8601 UTC strings sort by time
        period = {"start": start, "end": end} if end else {"start": start}
        history.append(
            {
                "extension": [{"url": WAIT_EXTENSION, "valueCode": event}],
                "status": status,
                "period": period,
            }
        )
    return history


def _plus_minutes(time: str, minutes: int | None) -> str | None:
    if minutes is None:
        return None
    moment = datetime.fromisoformat(time.replace("Z", "+00:00")) + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def patient_bundle(record: Record) -> Json:
    """The Bundle for one patient record (see docs/fhir.md), ready to encode."""
    bundle = _Bundle(record["id"])
    stays = _stays(record["timeline"])
    # fullUrls derive from ids, so references can be made before their targets exist.
    encounters = {s.facility: bundle.ref("Encounter", f"enc-{s.facility}") for s in stays}
    requests = record.get("medevac_requests") or ()
    orders = [bundle.ref("ServiceRequest", f"medevac-{i}") for i in range(1, len(requests) + 1)]
    _patient(bundle.resource("Patient"), record)
    subject = bundle.last_ref()
    first = encounters[stays[0].facility] if stays else None  # a KIA reached no role
    diagnoses = _add_conditions(bundle, record, subject, first)
    # A 9-line request brought the patient to the role it names.
    based_on = {request["to"]: order for request, order in zip(requests, orders, strict=True)}
    for stay, after in zip(stays, [*stays[1:], None], strict=False):  # None: no next role
        encounter = encounters[stay.facility]
        body = bundle.resource("Encounter", f"enc-{stay.facility}", encounter["reference"])
        _encounter(body, record, stay, after, subject, diagnoses, based_on.get(stay.facility))
    _add_observations(bundle, record, stays, subject, encounters)
    _add_procedures(bundle, record, subject, encounters)
    _add_handovers(bundle, record, subject, encounters)
    for i, (request, order) in enumerate(zip(requests, orders, strict=True), start=1):
        body = bundle.resource("ServiceRequest", f"medevac-{i}", order["reference"])
        _medevac_request(body, record, request, subject, encounters, diagnoses)
    return bundle.to_json()


def _patient(body: Json, record: Record) -> None:
    nation = record["nationality"]
    body["extension"] = [
        {"url": RANK_EXTENSION, "valueCode": record["rank"]},
        {"url": UNIT_EXTENSION, "valueString": record["unit"]},
    ]
    body["identifier"] = [
        {"use": "official", "system": PATIENT_ID_SYSTEM, "value": record["id"]},
        {
            "use": "secondary",
            "type": {"text": "Service number"},
            "system": f"{SERVICE_NUMBER_SYSTEM}:{nation}",
            "value": record["service_number"],
        },
    ]
    body["name"] = [
        {"use": "official", "family": record["name"]["family"], "given": [record["name"]["given"]]}
    ]
    body["gender"] = record["sex"]
    body["birthDate"] = record["birth_date"]
    if record["outcome"] in ("KIA", "DOW"):
        body["deceasedDateTime"] = record["outcome_time"]
    body["address"] = [{"country": nation}]  # ISO 3166-1 alpha-3: no extension needed


def _add_conditions(
    bundle: _Bundle, record: Record, subject: Json, encounter: Json | None
) -> list[Json]:
    """A Condition per condition, diagnosed at the first role reached; their references.

    Each carries the casualty's category, its mechanism and the event it came from: the
    circumstances of the injury, of which the Condition already holds the time (onset).
    Every record has a condition, so KIA carry them too.
    """
    category = _CONDITION_CATEGORIES[record["category"]]
    circumstances = [_due_to(record["mechanism"]), _casualty_event(record)]
    diagnoses = []
    for i, condition in enumerate(record["conditions"], start=1):
        body = bundle.resource("Condition", f"cond-{i}")
        body["extension"] = circumstances
        body["clinicalStatus"] = _ACTIVE
        body["verificationStatus"] = _CONFIRMED
        body["category"] = category
        body["code"] = _concept(SNOMED, condition["code"], condition["display"])
        site = condition["body_site"]
        if site is not None:
            body["bodySite"] = [_concept(SNOMED, site["code"], site["display"])]
        body["subject"] = subject
        if encounter is not None:
            body["encounter"] = encounter
        body["onsetDateTime"] = record["injury_time"]
        diagnoses.append(bundle.last_ref())
    return diagnoses


@cache
def _due_to(mechanism: str) -> orjson.Fragment:
    """The mechanism as `condition-dueTo`: MedGen's code (the handover's words as display
    and text), with the SNOMED CT event beside it where one names the same thing."""
    words = MECHANISM_WORDS.get(mechanism, mechanism)
    codings = [_coding(MECHANISM_SYSTEM, mechanism, words)]
    if mechanism in MECHANISM_EVENTS:
        codings.append(MECHANISM_EVENTS[mechanism])
    concept = {"coding": codings, "text": words}
    return _fixed({"url": DUE_TO_EXTENSION, "valueCodeableConcept": concept})


def _casualty_event(record: Record) -> Json:
    """The casualty event (id, front, warfare type, mass casualty, special event, if any)."""
    parts: list[Json] = [
        {"url": "eventId", "valueString": record["event_id"]},
        {"url": "front", "valueString": record["front"]},
        {"url": "warfareType", "valueCoding": _warfare_type(record["warfare_type"])},
        {"url": "massCasualty", "valueBoolean": record["mass_casualty"]},
    ]
    if record["special_event"] is not None:
        special = _special_event(record["special_event"])
        parts.append({"url": "specialEvent", "valueCoding": special})
    return {"url": CASUALTY_EVENT_EXTENSION, "extension": parts}


@cache
def _warfare_type(name: str) -> orjson.Fragment:
    label = reference.warfare()["types"][name]["label"]
    return _fixed(_coding(WARFARE_TYPE_SYSTEM, name, label))


@cache
def _special_event(name: str) -> orjson.Fragment:
    label = reference.warfare()["special_events"][name]["label"]
    return _fixed(_coding(SPECIAL_EVENT_SYSTEM, name, label))


def _encounter(
    body: Json,
    record: Record,
    stay: _Stay,
    after: _Stay | None,
    subject: Json,
    diagnoses: list[Json],
    request: Json | None,
) -> None:
    """One role's stay; `request` is the 9-line request that brought the patient, if any."""
    role = stay.facility
    body["class"] = _ENCOUNTER_CLASS[role]
    body["location"] = _LOCATION[role]
    body["serviceProvider"] = _ROLE[role]
    body["status"] = "finished" if stay.end else "in-progress"
    if record["precedence"] is not None:  # only the KIA have none, and no encounter
        body["priority"] = _ENCOUNTER_PRIORITY[record["precedence"]]
    body["subject"] = subject
    if request is not None:
        body["basedOn"] = [request]
    body["period"] = {"start": stay.start, "end": stay.end} if stay.end else {"start": stay.start}
    if stay.waits:
        body["statusHistory"] = _status_history(record, stay)
    body["diagnosis"] = [{"condition": ref, "rank": i} for i, ref in enumerate(diagnoses, start=1)]
    if stay.end_event is not None:
        body["hospitalization"] = _hospitalization(stay.end_event, after)


def _hospitalization(end_event: str, after: _Stay | None) -> Json:
    hospitalization: Json = {"dischargeDisposition": _DISPOSITIONS[end_event]}
    if after is not None and end_event in ("departure", "evacuated"):
        hospitalization["destination"] = _ROLE[after.facility]
    return hospitalization


def _context(subject: Json, encounter: Json | None, time: str) -> Json:
    """Who, where and when of an Observation; at the point of injury there is no encounter."""
    if encounter is None:
        return {"subject": subject, "effectiveDateTime": time}
    return {"subject": subject, "encounter": encounter, "effectiveDateTime": time}


def _add_observations(
    bundle: _Bundle, record: Record, stays: list[_Stay], subject: Json, encounters: dict[str, Json]
) -> None:
    """Blood group, triage at injury and re-triage on arrivals, then the vital signs."""
    # Read from the identity tag at first assessment: the injury time stands for it.
    at_injury = _context(subject, None, record["injury_time"])
    blood_group = _blood_group_value(record["blood_group"])
    bundle.observation(
        "obs-blood-group", _LABORATORY, _BLOOD_GROUP, at_injury, "valueCodeableConcept", blood_group
    )
    triage = _triage_value(record["triage"])
    bundle.observation(
        "obs-triage", _SURVEY, _TRIAGE_INDEX, at_injury, "valueCodeableConcept", triage
    )
    for stay in stays:
        if stay.triage is not None:  # none without clinical detail
            context = _context(subject, encounters[stay.facility], stay.start)
            triage = _triage_value(stay.triage)
            suffix = f"obs-triage-{stay.facility}"
            bundle.observation(
                suffix, _SURVEY, _TRIAGE_INDEX, context, "valueCodeableConcept", triage
            )
    for i, vitals in enumerate(record.get("vitals") or (), start=1):
        context = _context(subject, encounters.get(vitals["facility"]), vitals["time"])
        _vital_signs(bundle, f"obs-{i}-", vitals, context)


@cache
def _blood_group_value(group: str) -> orjson.Fragment:
    code = reference.people()["blood_group_codes"][group]
    return _fixed(_concept(SNOMED, code, reference.snomed_terms()[code]))


@cache
def _triage_value(category: str) -> orjson.Fragment:
    """The category as text: NATO triage categories have no code in the tables."""
    return _fixed({"text": category})


def _add_procedures(
    bundle: _Bundle, record: Record, subject: Json, encounters: dict[str, Json]
) -> None:
    for i, treatment in enumerate(record.get("treatments") or (), start=1):
        encounter = encounters.get(treatment["facility"])
        _procedure(bundle.resource("Procedure", f"proc-{i}"), treatment, subject, encounter)


def _quantity(value: int | float, ucum: str, unit: str) -> Json:
    # `int | float`, not `float` (docs/engine-api.md, internals: float-parameters).
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum}


def _vital_signs(bundle: _Bundle, prefix: str, vitals: Record, context: Json) -> None:
    """An Observation for each value of one set of vitals; ids `<prefix><kind>`."""
    for key, (suffix, code, ucum, unit) in _VITALS.items():
        value = vitals.get(key)
        if value is not None:
            quantity = _quantity(value, ucum, unit)
            bundle.observation(
                prefix + suffix, _VITAL_SIGNS, code, context, "valueQuantity", quantity
            )
    components = [
        {"code": code, "valueQuantity": _quantity(vitals[key], "mm[Hg]", "mmHg")}
        for key, code in _BLOOD_PRESSURE_PARTS.items()
        if vitals.get(key) is not None
    ]
    if components:  # a panel with systolic/diastolic components (the FHIR BP shape)
        bundle.observation(
            prefix + "bp", _VITAL_SIGNS, _BLOOD_PRESSURE, context, "component", components
        )
    if vitals.get("gcs") is not None:
        bundle.observation(
            prefix + "gcs", _SURVEY, _GCS_TOTAL, context, "valueInteger", vitals["gcs"]
        )


def _procedure(body: Json, treatment: Record, subject: Json, encounter: Json | None) -> None:
    body["status"] = "completed"
    body["code"] = _concept(SNOMED, treatment["code"], treatment["display"])
    drug = treatment.get("medication")
    if drug is not None:  # "Administration of drug or medicament": which drug was used
        body["usedCode"] = [_concept(SNOMED, drug["code"], drug["display"])]
    body["subject"] = subject
    if encounter is not None:  # care at the point of injury belongs to no encounter
        body["encounter"] = encounter
    body["performedDateTime"] = treatment["time"]
    body["location"] = _ROLE[treatment["facility"]]


def _add_handovers(
    bundle: _Bundle, record: Record, subject: Json, encounters: dict[str, Json]
) -> None:
    """An ATMIST handover is a Communication from one role to the next, sent on arrival."""
    for i, handover in enumerate(record.get("handovers") or (), start=1):
        body = bundle.resource("Communication", f"handover-{i}")
        body["status"] = "completed"
        body["topic"] = _ATMIST_HANDOVER
        body["reasonCode"] = _TRANSFER_OF_CARE
        body["subject"] = subject
        body["encounter"] = encounters[handover["to"]]  # it opens the receiving role's stay
        body["sent"] = handover["time"]
        body["sender"] = _ROLE[handover["from"]]
        body["recipient"] = [_ROLE[handover["to"]]]
        body["payload"] = [{"contentString": handover["text"]}]


def _medevac_request(
    body: Json,
    record: Record,
    request: Record,
    subject: Json,
    encounters: dict[str, Json],
    diagnoses: list[Json],
) -> None:
    """A 9-line MEDEVAC request: the evacuation it orders, its priority and its text."""
    body["status"] = "completed"  # a record only holds requests that were flown
    body["intent"] = "order"
    # The same fallback as the 9-line's line 3 (records with requests always have one).
    body["priority"] = REQUEST_PRIORITY[record["precedence"] or "routine"]
    body["code"] = _MEDEVAC
    if record.get("transport") is not None:  # litter or ambulatory: line 5's patient type
        body["orderDetail"] = [{"text": record["transport"]}]
        if record.get("movement"):  # by air or ground ambulance
            body["orderDetail"].append({"text": record["movement"]})
    body["subject"] = subject
    encounter = encounters.get(request["from"])
    if encounter is not None:  # requested from the point of injury: no encounter yet
        body["encounter"] = encounter
    body["authoredOn"] = request["time"]
    body["requester"] = _ROLE[request["from"]]
    body["locationCode"] = [{"text": request["1_location"]}]  # line 1: the pickup site
    body["reasonReference"] = diagnoses
    body["note"] = [{"text": request["text"]}]
