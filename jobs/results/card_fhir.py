"""What a casualty card needs, read back from one FHIR Bundle of `patients.fhir.ndjson`.

The Bundle is mapped back to the JSON record's shape (the part `jobs.results.cards.card` reads),
following docs/fhir.md. FHIR carries less than the record, and what it carries grows
over time, so every field is looked for and left None when absent: the card shows a dash
rather than failing. Extensions and MedGen's code systems are matched by the last segment
of their url (`…/rank`, `urn:medgen:unit`, `…/casualty-category`), so the exact url does
not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import orjson

from generation import reference
from generation.paperwork import MECHANISM_WORDS
from generation.writers.fhir import (
    PATIENT_ID_SYSTEM,
    ROLE_NAMES,
    SERVICE_NUMBER_SYSTEM,
)

Json = dict[str, Any]

BLOOD_GROUP_LOINC = "882-1"
TRIAGE_INDEX = "273887006"  # SNOMED CT "Triage index", the code of triage Observations
TRIAGE_CODES = ("T1", "T2", "T3", "T4", "DEAD")
PRECEDENCES = ("urgent", "urgent_surgical", "priority", "routine")
CATEGORIES = ("battle_injury", "non_battle_injury", "disease")
CASUALTY_CATEGORY = "casualty-category"  # the last segment of MedGen's code system url
TRANSPORTS = ("litter", "ambulatory")
_NINE_LINE_TYPE = re.compile(r"(?:^|\|)\s*5:\s*\d+([LA])\b")  # line 5: patients by type
_LINE5_TRANSPORT = {"L": "litter", "A": "ambulatory"}
_ATMIST_MECHANISM = re.compile(r"\| M (.+?) \|")
DISEASE_MECHANISMS = ("illness", "psychological")  # the rest are battle or non-battle
_ROLE_BY_NAME = {name: role for role, name in ROLE_NAMES.items()}
_TRAILING_NUMBER = re.compile(r"(\d+)$")
_BUNDLE_ID = re.compile(rb'\{"resourceType":"Bundle","id":"([^"\\]*)"')


def bundle_sequence(line: bytes) -> int | None:
    """The patient sequence of a Bundle line (its id ends with it); None for a blank line.

    The writer puts the Bundle's id right after its resourceType, so it is read from the
    line's start without parsing the whole Bundle (~30 kB), else from the parsed Bundle.
    """
    if not line.strip():
        return None
    match = _BUNDLE_ID.match(line)
    record_id = match.group(1).decode() if match else orjson.loads(line)["id"]
    return sequence_of_id(record_id)


def sequence_of_id(record_id: str) -> int:
    """`EX-<tag>-0000123` -> 123."""
    match = _TRAILING_NUMBER.search(record_id)
    if match is None:
        raise ValueError(f"no sequence at the end of id {record_id!r}")
    return int(match.group(1))


def record_from_bundle(bundle: Json) -> Json:
    """The card's view of a patient record, from that patient's Bundle."""
    resources = list(_resources(bundle))
    patient = next(iter(_of_type(resources, "Patient")), {})
    encounters = _of_type(resources, "Encounter")
    conditions = _of_type(resources, "Condition")
    record_id = _identifier(patient, PATIENT_ID_SYSTEM) or patient.get("id") or bundle["id"]
    return {
        "id": record_id,
        "sequence": sequence_of_id(record_id),
        "name": _name(patient),
        "service_number": _identifier(patient, SERVICE_NUMBER_SYSTEM),
        "rank": _extension(patient, "rank"),
        "nationality": _nationality(patient),
        "unit": _extension(patient, "unit"),
        "blood_group": _blood_group(resources),
        "category": _category(patient, resources),
        "outcome": _outcome(patient, encounters),
        "injury_time": next((c.get("onsetDateTime") for c in conditions), None),
        "conditions": [_condition(condition) for condition in conditions],
        "triage": _triage(patient, resources),
        "precedence": _precedence(encounters),
        "transport": _transport(patient, resources),
        "treatments": _treatments(resources),
    }


def _resources(bundle: Json) -> Iterator[Json]:
    for entry in bundle.get("entry") or ():
        if isinstance(entry.get("resource"), dict):
            yield entry["resource"]


def _of_type(resources: list[Json], resource_type: str) -> list[Json]:
    return [r for r in resources if r.get("resourceType") == resource_type]


def _identifier(patient: Json, system: str) -> str | None:
    """The value of the first identifier whose system is `system` or `system:<suffix>`."""
    for identifier in patient.get("identifier") or ():
        found = identifier.get("system") or ""
        if found == system or found.startswith(f"{system}:"):
            return identifier.get("value")  # type: ignore[no-any-return]
    return None


def _name(patient: Json) -> dict[str, str]:
    names = patient.get("name") or [{}]
    official = next((n for n in names if n.get("use") == "official"), names[0])
    return {"given": " ".join(official.get("given") or ()), "family": official.get("family", "")}


def _nationality(patient: Json) -> str | None:
    for address in patient.get("address") or ():
        if address.get("country"):
            return address["country"]  # type: ignore[no-any-return]
    return None


def _extension(resource: Json, name: str) -> str | None:
    """The value of the extension whose url ends in `/name` or `:name` (any value type)."""
    for extension in resource.get("extension") or ():
        if _last_segment(extension.get("url")) == name:
            return _value(extension)
    return None


def _last_segment(url: Any) -> str:
    """`https://…/StructureDefinition/rank` -> `rank`; `urn:medgen:unit` -> `unit`."""
    return re.split(r"[/:#]", str(url or ""))[-1].lower()


def _value(element: Json) -> str | None:
    """A coded or text value of an extension or Observation, as a plain string."""
    for key in ("valueString", "valueCode"):
        if isinstance(element.get(key), str):
            return element[key]  # type: ignore[no-any-return]
    if isinstance(element.get("valueCoding"), dict):
        return element["valueCoding"].get("code")  # type: ignore[no-any-return]
    concept = element.get("valueCodeableConcept")
    if isinstance(concept, dict):
        return _concept_code(concept)
    return None


def _concept_code(concept: Json) -> str | None:
    codings = concept.get("coding") or [{}]
    return codings[0].get("code") or concept.get("text")


def _concept_text(concept: Json | None) -> str:
    if not concept:
        return ""
    codings = concept.get("coding") or [{}]
    return concept.get("text") or codings[0].get("display") or codings[0].get("code") or ""


def _codes(concept: Json | None) -> set[str]:
    return {str(coding.get("code")) for coding in (concept or {}).get("coding") or ()}


@cache
def _blood_group_by_code() -> dict[str, str]:
    return {code: group for group, code in reference.people()["blood_group_codes"].items()}


def _blood_group(resources: list[Json]) -> str | None:
    for observation in _of_type(resources, "Observation"):
        if BLOOD_GROUP_LOINC in _codes(observation.get("code")):
            value = observation.get("valueCodeableConcept")
            code = _concept_code(value) if isinstance(value, dict) else None
            return _blood_group_by_code().get(code or "") or _concept_text(value) or None
    return None


def _category(patient: Json, resources: list[Json]) -> str | None:
    """Battle injury, non-battle injury or disease: the casualty-category coding that the
    writer puts on every Condition (a KIA has Conditions too), else a Patient extension,
    else told by the mechanism that an ATMIST handover names."""
    return (
        _coded_category(resources)
        or _known(_extension(patient, "category"), CATEGORIES)
        or _category_from_handovers(resources)
    )


def _coded_category(resources: list[Json]) -> str | None:
    """The code of the first `…/casualty-category` coding among the Conditions' categories."""
    for condition in _of_type(resources, "Condition"):
        for concept in condition.get("category") or ():
            for coding in concept.get("coding") or ():
                if _last_segment(coding.get("system")) == CASUALTY_CATEGORY:
                    return _known(coding.get("code"), CATEGORIES)
    return None


def _category_from_handovers(resources: list[Json]) -> str | None:
    """For files written before Conditions carried the category: the mechanism that an
    ATMIST handover (a Communication) names in its M part tells it (none for a KIA)."""
    candidates = []
    for handover in _of_type(resources, "Communication"):
        for payload in handover.get("payload") or ():
            words = _ATMIST_MECHANISM.search(str(payload.get("contentString", "")))
            candidates.append(_category_by_words().get(words.group(1)) if words else None)
    return next((c for c in candidates if c in CATEGORIES), None)


@cache
def _category_by_words() -> dict[str, str]:
    """ATMIST mechanism words -> category; the mechanism decides it (output contract)."""
    return {words: _category_of(mechanism) for mechanism, words in MECHANISM_WORDS.items()}


def _category_of(mechanism: str) -> str:
    if mechanism in reference.conditions()["battle"]:
        return "battle_injury"
    return "disease" if mechanism in DISEASE_MECHANISMS else "non_battle_injury"


def _outcome(patient: Json, encounters: list[Json]) -> str | None:
    """KIA when dead without reaching any role; otherwise not told (None)."""
    if patient.get("deceasedDateTime") and not encounters:
        return "KIA"
    return None


def _condition(condition: Json) -> Json:
    sites = condition.get("bodySite") or ()
    site = _concept_text(sites[0]) if sites else ""
    return {
        "display": _concept_text(condition.get("code")),
        "body_site": {"display": site} if site else None,
    }


def _triage(patient: Json, resources: list[Json]) -> str | None:
    """Triage at first assessment: a `triage` extension, else the earliest Observation
    coded "Triage index" (later ones are re-triage), else any valued T1…T4 or DEAD."""
    found = _known(_extension(patient, "triage"), TRIAGE_CODES)
    if found:
        return found
    observations = sorted(
        _of_type(resources, "Observation"),
        key=lambda r: (TRIAGE_INDEX not in _codes(r.get("code")), str(r.get("effectiveDateTime"))),
    )
    for observation in observations:
        value = _known(_value(observation), TRIAGE_CODES)
        if value:
            return value
    return None


def _transport(patient: Json, resources: list[Json]) -> str | None:
    """Litter or ambulatory: an extension, else a 9-line MEDEVAC request (ServiceRequest):
    its order detail, else line 5 of its text (`5: 1L` litter, `5: 1A` ambulatory)."""
    candidates = [_extension(patient, "transport")]
    for request in _of_type(resources, "ServiceRequest"):
        candidates += [_concept_text(detail).lower() for detail in request.get("orderDetail") or ()]
        candidates += [_nine_line_transport(note.get("text")) for note in request.get("note") or ()]
    return next((c for c in candidates if c in TRANSPORTS), None)


def _nine_line_transport(text: Any) -> str | None:
    line5 = _NINE_LINE_TYPE.search(text) if isinstance(text, str) else None
    return _LINE5_TRANSPORT[line5.group(1)] if line5 else None


def _precedence(encounters: list[Json]) -> str | None:
    """Evacuation precedence from the first Encounter's `priority` that names it.

    MedGen's term is the concept's text; the v3 ActPriority coding beside it is coarser
    (EM for both urgent and urgent surgical, display "urgent" for priority), so codings
    count only by their code, and ActPriority codes never match a precedence.
    """
    for encounter in encounters:
        priority = encounter.get("priority")
        if not isinstance(priority, dict):
            continue
        codes = [coding.get("code") for coding in priority.get("coding") or ()]
        for spelling in [priority.get("text"), *codes]:
            found = _known(_normalised(spelling), PRECEDENCES)
            if found:
                return found
    return None


def _normalised(text: Any) -> str | None:
    """'Urgent surgical', 'urgent-surgical' -> 'urgent_surgical'."""
    if not isinstance(text, str):
        return None
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _known(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _treatments(resources: list[Json]) -> list[Json]:
    treatments = [
        {
            "time": procedure["performedDateTime"],
            "facility": _role(procedure),
            "code": _concept_code(procedure.get("code") or {}) or "",
            "display": _concept_text(procedure.get("code")),
        }
        for procedure in _of_type(resources, "Procedure")
        if procedure.get("performedDateTime")
    ]
    return sorted(treatments, key=lambda treatment: treatment["time"])


def _role(procedure: Json) -> str:
    """`POI`, `R1`… from the Procedure's location display ("Point of injury", "Role 1")."""
    display = (procedure.get("location") or {}).get("display") or ""
    return _ROLE_BY_NAME.get(display, display or "—")
