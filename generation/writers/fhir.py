"""FHIR R4 bulk-data NDJSON: one `collection` Bundle per patient, one Bundle per line.

Built from plain dicts and one `json` encoder (no FHIR library at generation time, for
speed); the parts every patient shares (meta tags, statuses, categories, codes) are
encoded once and spliced in, since encoding is most of the cost.
Every id derives from the record id and every `fullUrl` is a UUID5 of type and id, so
the bytes depend only on the records. References inside a Bundle use those fullUrls.
The mapping is described in docs/fhir.md.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from generation import reference

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
PATIENT_ID_SYSTEM = "urn:medgen:patient-id"
SERVICE_NUMBER_SYSTEM = "urn:medgen:service-number"  # + ":<nation>": numbers are national
MEDGEN_TAG_SYSTEM = "urn:medgen:tag"

META: Json = {
    "tag": [
        {"system": ACT_REASON, "code": "HTEST", "display": "test health data"},
        {"system": MEDGEN_TAG_SYSTEM, "code": "EXERCISE", "display": "Synthetic exercise data"},
    ]
}
# Fixed namespace: the same resource gets the same fullUrl in every run.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:medgen:fhir")
_NAMESPACE_BYTES = _NAMESPACE.bytes
# The variant nibble keeps its low two bits and becomes 10xx (RFC 4122 variant).
_VARIANT = {f"{n:x}": "89ab"[n & 3] for n in range(16)}


# One encoder for the module: `json.dumps` with options builds a new one per call, and
# the circular-reference check is pointless on trees built here (shared leaves are fine).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


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


def _members(fields: Json) -> str:
    """An object's members encoded without braces, to splice into a resource.

    The parts of a resource that are the same for every patient (status, category,
    code...) are encoded once here: per-token encoding is most of this writer's cost.
    """
    return _dumps(fields)[1:-1]


_META_JSON = _dumps(META)

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

_CONDITION = _members(
    {"clinicalStatus": ACTIVE, "verificationStatus": CONFIRMED, "category": ENCOUNTER_DIAGNOSIS}
)
_PROCEDURE = _members({"status": "completed"})
_BLOOD_GROUP = _members({"status": "final", "category": LABORATORY, "code": BLOOD_GROUP})
_GCS = _members({"status": "final", "category": SURVEY, "code": GCS_TOTAL})
_BLOOD_PRESSURE = _members({"status": "final", "category": VITAL_SIGNS, "code": BLOOD_PRESSURE})
_VITALS = {
    key: (suffix, _members({"status": "final", "category": VITAL_SIGNS, "code": code}), ucum, unit)
    for key, (suffix, code, ucum, unit) in VITAL_QUANTITIES.items()
}
_ENCOUNTER = {
    role: _members(
        {
            "class": ENCOUNTER_CLASS[role],
            "location": [{"location": {"display": ROLE_NAMES[role]}}],
            "serviceProvider": {"display": ROLE_NAMES[role]},
        }
    )
    for role in ENCOUNTER_CLASS
}


def render_fhir(records: Sequence[Record]) -> bytes:
    """One Bundle per record, each on its own line (FHIR bulk-data NDJSON)."""
    return "".join(patient_bundle(r) + "\n" for r in records).encode()


def full_url(resource_type: str, resource_id: str) -> str:
    """`urn:uuid:` + uuid5(_NAMESPACE, "Type/id"), the same value as `uuid.uuid5`.

    Spelled out with hashlib because building `uuid.UUID` objects costs more than the
    rest of a resource; the version and variant bits are set as RFC 4122 says.
    """
    digest = hashlib.sha1(
        _NAMESPACE_BYTES + f"{resource_type}/{resource_id}".encode(), usedforsecurity=False
    ).hexdigest()
    variant = _VARIANT[digest[16]]
    return (
        f"urn:uuid:{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-"
        f"{variant}{digest[17:20]}-{digest[20:32]}"
    )


class _Bundle:
    """One patient's entries, as JSON text; ids are `<record id>-<suffix>`."""

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        self.entries: list[str] = []

    def ref(self, resource_type: str, suffix: str = "") -> Json:
        """The reference to a resource of this bundle, whether added yet or not."""
        return {"reference": full_url(resource_type, self._id(suffix))}

    def add(self, resource_type: str, suffix: str, body: Json, fixed: str = "") -> None:
        """Append a resource: `fixed` is members already encoded (see `_members`)."""
        resource_id = self._id(suffix)
        members = f"{fixed},{_members(body)}" if fixed else _members(body)
        self.entries.append(
            f'{{"fullUrl":"{full_url(resource_type, resource_id)}","resource":'
            f'{{"resourceType":"{resource_type}","id":{_dumps(resource_id)},'
            f'"meta":{_META_JSON},{members}}}}}'
        )

    def to_json(self) -> str:
        return (
            f'{{"resourceType":"Bundle","id":{_dumps(self.record_id)},"meta":{_META_JSON},'
            f'"type":"collection","entry":[{",".join(self.entries)}]}}'
        )

    def _id(self, suffix: str) -> str:
        return f"{self.record_id}-{suffix}" if suffix else self.record_id


def patient_bundle(record: Record) -> str:
    """The Bundle for one patient record, as one line of JSON (see docs/fhir.md)."""
    bundle = _Bundle(record["id"])
    subject = bundle.ref("Patient")
    stays = _stays(record["timeline"])
    # fullUrls derive from ids, so references can be made before their targets exist.
    encounters = {stay.facility: bundle.ref("Encounter", f"enc-{stay.facility}") for stay in stays}
    first = encounters[stays[0].facility] if stays else None
    bundle.add("Patient", "", _patient(record))
    diagnoses = []
    for i, condition in enumerate(record["conditions"], start=1):
        body = _condition(record, condition, subject, first)
        bundle.add("Condition", f"cond-{i}", body, _CONDITION)
        diagnoses.append(bundle.ref("Condition", f"cond-{i}"))
    for stay, after in zip(stays, [*stays[1:], None], strict=False):  # None: no next role
        body = _encounter(stay, after, subject, diagnoses)
        bundle.add("Encounter", f"enc-{stay.facility}", body, _ENCOUNTER[stay.facility])
    bundle.add("Observation", "obs-blood-group", _blood_group(record, subject), _BLOOD_GROUP)
    _add_care(bundle, record, subject, encounters)
    return bundle.to_json()


def _add_care(bundle: _Bundle, record: Record, subject: Json, encounters: dict[str, Json]) -> None:
    """Vital signs and treatments, when the record carries them."""
    for i, vitals in enumerate(record.get("vitals") or (), start=1):
        for suffix, fixed, body in _vital_signs(
            vitals, subject, encounters.get(vitals["facility"])
        ):
            bundle.add("Observation", f"obs-{i}-{suffix}", body, fixed)
    for i, treatment in enumerate(record.get("treatments") or (), start=1):
        encounter = encounters.get(treatment["facility"])
        bundle.add("Procedure", f"proc-{i}", _procedure(treatment, subject, encounter), _PROCEDURE)


class _Stay:
    """A visit to one role: arrival, and the event (and time) that ended it, if any."""

    __slots__ = ("end", "end_event", "facility", "start")

    def __init__(self, facility: str, start: str) -> None:
        self.facility, self.start = facility, start
        self.end: str | None = None
        self.end_event: str | None = None


def _stays(timeline: Sequence[Record]) -> list[_Stay]:
    """Role visits in order; an evacuee's final R4 arrival has no end yet."""
    stays: list[_Stay] = []
    for step in timeline:
        if step["event"] == "arrival":
            stays.append(_Stay(step["facility"], step["time"]))
        elif stays and stays[-1].facility == step["facility"] and stays[-1].end is None:
            stays[-1].end, stays[-1].end_event = step["time"], step["event"]
    return stays


def _patient(record: Record) -> Json:
    nation = record["nationality"]
    body: Json = {
        "identifier": [
            {"use": "official", "system": PATIENT_ID_SYSTEM, "value": record["id"]},
            {
                "use": "secondary",
                "type": {"text": "Service number"},
                "system": f"{SERVICE_NUMBER_SYSTEM}:{nation}",
                "value": record["service_number"],
            },
        ],
        "name": [
            {
                "use": "official",
                "family": record["name"]["family"],
                "given": [record["name"]["given"]],
            }
        ],
        "gender": record["sex"],
        "birthDate": record["birth_date"],
    }
    if record["outcome"] in ("KIA", "DOW"):
        body["deceasedDateTime"] = record["outcome_time"]
    body["address"] = [{"country": nation}]  # ISO 3166-1 alpha-3: no extension needed
    return body


def _condition(record: Record, condition: Record, subject: Json, encounter: Json | None) -> Json:
    body: Json = {"code": _concept(SNOMED, condition["code"], condition["display"])}
    site = condition["body_site"]
    if site is not None:
        body["bodySite"] = [_concept(SNOMED, site["code"], site["display"])]
    body["subject"] = subject
    if encounter is not None:  # a KIA never reached a role: no encounter to point at
        body["encounter"] = encounter
    body["onsetDateTime"] = record["injury_time"]
    return body


def _encounter(stay: _Stay, after: _Stay | None, subject: Json, diagnoses: list[Json]) -> Json:
    body: Json = {
        "status": "finished" if stay.end else "in-progress",
        "subject": subject,
        "period": {"start": stay.start, "end": stay.end} if stay.end else {"start": stay.start},
        "diagnosis": [{"condition": ref, "rank": i} for i, ref in enumerate(diagnoses, start=1)],
    }
    if stay.end_event is not None:
        body["hospitalization"] = _hospitalization(stay.end_event, after)
    return body


def _hospitalization(end_event: str, after: _Stay | None) -> Json:
    hospitalization: Json = {"dischargeDisposition": DISPOSITIONS[end_event]}
    if after is not None and end_event in ("departure", "evacuated"):
        hospitalization["destination"] = {"display": ROLE_NAMES[after.facility]}
    return hospitalization


def _blood_group(record: Record, subject: Json) -> Json:
    code = reference.people()["blood_group_codes"][record["blood_group"]]
    return {
        "subject": subject,
        # Read from the identity tag at first assessment: the injury time stands for it.
        "effectiveDateTime": record["injury_time"],
        "valueCodeableConcept": _concept(SNOMED, code, reference.snomed_terms()[code]),
    }


def _observation(subject: Json, encounter: Json | None, time: str) -> Json:
    body: Json = {"subject": subject}
    if encounter is not None:  # vitals at the point of injury belong to no encounter
        body["encounter"] = encounter
    body["effectiveDateTime"] = time
    return body


def _quantity(value: float, ucum: str, unit: str) -> Json:
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum}


def _vital_signs(
    vitals: Record, subject: Json, encounter: Json | None
) -> list[tuple[str, str, Json]]:
    """(id suffix, fixed members, Observation body) for each value of one set of vitals."""
    time = vitals["time"]
    found: list[tuple[str, str, Json]] = []
    for key, (suffix, fixed, ucum, unit) in _VITALS.items():
        if vitals.get(key) is not None:
            body = _observation(subject, encounter, time)
            body["valueQuantity"] = _quantity(vitals[key], ucum, unit)
            found.append((suffix, fixed, body))
    pressure = _blood_pressure(vitals, subject, encounter)
    if pressure is not None:
        found.append(("bp", _BLOOD_PRESSURE, pressure))
    if vitals.get("gcs") is not None:
        body = _observation(subject, encounter, time)
        body["valueInteger"] = vitals["gcs"]
        found.append(("gcs", _GCS, body))
    return found


def _blood_pressure(vitals: Record, subject: Json, encounter: Json | None) -> Json | None:
    """A panel with systolic/diastolic components (the FHIR vital-signs BP shape)."""
    components = [
        {"code": code, "valueQuantity": _quantity(vitals[key], "mm[Hg]", "mmHg")}
        for key, code in BLOOD_PRESSURE_PARTS.items()
        if vitals.get(key) is not None
    ]
    if not components:
        return None
    body = _observation(subject, encounter, vitals["time"])
    body["component"] = components
    return body


def _procedure(treatment: Record, subject: Json, encounter: Json | None) -> Json:
    body: Json = {
        "code": _concept(SNOMED, treatment["code"], treatment["display"]),
        "subject": subject,
    }
    if encounter is not None:  # care at the point of injury belongs to no encounter
        body["encounter"] = encounter
    body["performedDateTime"] = treatment["time"]
    body["location"] = {"display": ROLE_NAMES.get(treatment["facility"], treatment["facility"])}
    return body
