"""FHIR R4 output: every resource of every preset's sample validates, references resolve
inside each Bundle, every resource is tagged as exercise data, every code comes from the
reference tables, and each part of the record lands where docs/fhir.md says. Validation
uses fhir.resources' R4B models (R4B changed R4 in medication definition, evidence and
subscriptions, not in the resources used here)."""

from __future__ import annotations

import copy
import csv
import io
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

import generation
from generation import reference
from generation.writers import fhir
from generation.writers.formats import FORMATS

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference"
RECORD_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "patient.schema.json").read_text()
)["properties"]
MEDGEN_FHIR = "https://medgen.example/fhir"
# MedGen's own code systems hold exactly the values the output contract allows.
MEDGEN_CODES = {
    f"{MEDGEN_FHIR}/CodeSystem/{name}": {v for v in RECORD_SCHEMA[key]["enum"] if v is not None}
    for name, key in (
        ("casualty-category", "category"),
        ("injury-mechanism", "mechanism"),
        ("warfare-type", "warfare_type"),
        ("special-event", "special_event"),
    )
}
SAMPLE = 60
TAGS = [
    ("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HTEST"),
    ("urn:medgen:tag", "EXERCISE"),
]
# Codes of HL7 and UCUM code systems the writer may use (required bindings included,
# since fhir.resources checks structure and types but not code values).
OTHER_CODES = {
    "http://terminology.hl7.org/CodeSystem/v3-ActCode": {"EMER", "IMP"},
    "http://terminology.hl7.org/CodeSystem/v3-ActPriority": {"EM", "UR", "R"},
    "http://terminology.hl7.org/CodeSystem/discharge-disposition": {"home", "other-hcf", "exp"},
    "http://terminology.hl7.org/CodeSystem/condition-clinical": {"active"},
    "http://terminology.hl7.org/CodeSystem/condition-ver-status": {"confirmed"},
    "http://terminology.hl7.org/CodeSystem/condition-category": {"encounter-diagnosis"},
    "http://terminology.hl7.org/CodeSystem/observation-category": {
        "vital-signs",
        "laboratory",
        "survey",
    },
    "http://terminology.hl7.org/CodeSystem/v3-ActReason": {"HTEST"},
    "urn:medgen:tag": {"EXERCISE"},
    "http://unitsofmeasure.org": {"/min", "%", "Cel", "mm[Hg]"},
    **MEDGEN_CODES,
}
STATUSES = {
    "Encounter": {"finished", "in-progress"},
    "Observation": {"final"},
    "Procedure": {"completed"},
    "Communication": {"completed"},
    "ServiceRequest": {"completed"},
}
# What a record's evacuation precedence becomes (docs/fhir.md).
ENCOUNTER_PRIORITY = {"urgent": "EM", "urgent_surgical": "EM", "priority": "UR", "routine": "R"}
REQUEST_PRIORITY = {
    "urgent": "stat",
    "urgent_surgical": "stat",
    "priority": "urgent",
    "routine": "routine",
}
TRIAGE_INDEX = "273887006"  # SNOMED CT "Triage index"
RANK_URL = f"{MEDGEN_FHIR}/StructureDefinition/rank"
UNIT_URL = f"{MEDGEN_FHIR}/StructureDefinition/unit"
EVENT_URL = f"{MEDGEN_FHIR}/StructureDefinition/casualty-event"
DUE_TO_URL = "http://hl7.org/fhir/StructureDefinition/condition-dueTo"
CATEGORY_SYSTEM = f"{MEDGEN_FHIR}/CodeSystem/casualty-category"
MECHANISM_SYSTEM = f"{MEDGEN_FHIR}/CodeSystem/injury-mechanism"
# Mechanisms that also get a SNOMED CT event coding (docs/fhir.md); the rest have none.
MECHANISM_EVENTS = {
    "explosive": "39826003",
    "gunshot": "63409001",
    "fall": "1912002",
    "radiological": "218190002",
}

Json = dict[str, Any]


def _read_table(path: Path) -> dict[str, str]:
    if not path.exists():
        pytest.skip(f"reference table not found at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["term"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def loinc() -> dict[str, str]:
    return _read_table(SHARED / "loinc.csv")


@pytest.fixture(scope="module")
def verified_snomed() -> dict[str, str]:
    """The shared verified table, and the concepts added with two sources of their own
    (generation/data/snomed-added.csv, checked in test_realism)."""
    added = {row["code"]: row["term"] for row in reference.snomed_added()}
    return {**_read_table(SHARED / "snomed-ct.csv"), **added}


def _sample(name: str) -> list[Json]:
    """About 60 patients of a preset; presets whose special events need more patients
    keep their size and give 60 patients spread over the whole run."""
    doc = generation.load_preset(name)
    try:
        scenario = generation.parse_scenario({**doc, "total_patients": SAMPLE})
    except generation.ScenarioError:
        scenario = generation.parse_scenario(doc)
    plan = generation.make_plan(scenario, 5)
    step = max(1, plan.total // SAMPLE)
    return [generation.generate_chunk(plan, i, i + 1)[0] for i in range(0, plan.total, step)]


@pytest.fixture(scope="module")
def samples() -> dict[str, list[Json]]:
    return {name: _sample(name) for name in generation.preset_names()}


def _bundles(records: list[Json]) -> list[Json]:
    return [json.loads(line) for line in fhir.render_fhir(records).decode().splitlines()]


@pytest.fixture(scope="module")
def bundles(samples: dict[str, list[Json]]) -> list[Json]:
    return [b for records in samples.values() for b in _bundles(records)]


def _resources(bundle: Json) -> list[Json]:
    return [entry["resource"] for entry in bundle["entry"]]


def _walk(node: Any) -> Iterator[Json]:
    """Every JSON object inside `node`, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _validate(bundle: Json) -> None:
    Bundle.model_validate(bundle)
    for resource in _resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        if resource["resourceType"] in STATUSES:
            assert resource["status"] in STATUSES[resource["resourceType"]]


def _check_codes(bundle: Json, snomed: dict[str, str], loinc: dict[str, str]) -> None:
    tables = {fhir.SNOMED: snomed, fhir.LOINC: loinc}
    for node in _walk(bundle):
        if "system" not in node or "code" not in node:
            continue  # identifiers carry a system but a value, not a code
        system, code = node["system"], node["code"]
        if system in tables:
            assert tables[system].get(code) == node["display"], (system, code)
        else:
            assert code in OTHER_CODES[system], (system, code)


def test_it_validates_every_resource_of_every_preset(bundles: list[Json]) -> None:
    for bundle in bundles:
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
        _validate(bundle)


def test_it_resolves_every_reference_inside_its_bundle(bundles: list[Json]) -> None:
    for bundle in bundles:
        urls = [entry["fullUrl"] for entry in bundle["entry"]]
        assert len(set(urls)) == len(urls)
        references = [n["reference"] for n in _walk(bundle) if "reference" in n]
        assert references and set(references) <= set(urls)


def test_it_tags_every_resource_as_synthetic_exercise_data(bundles: list[Json]) -> None:
    for bundle in bundles:
        for resource in [bundle, *_resources(bundle)]:
            tags = [(t["system"], t["code"]) for t in resource["meta"]["tag"]]
            assert tags == TAGS, resource["id"]


def test_it_uses_only_codes_from_the_reference_tables(
    bundles: list[Json], verified_snomed: dict[str, str], loinc: dict[str, str]
) -> None:
    """The verified shared table holds the engine's codes and the writer's own (triage
    index, transfer of care, patient transfer)."""
    for bundle in bundles:
        _check_codes(bundle, verified_snomed, loinc)


def test_it_maps_each_record_to_one_bundle_with_its_resources(
    samples: dict[str, list[Json]],
) -> None:
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            kinds = Counter(r["resourceType"] for r in _resources(bundle))
            arrivals = [s for s in record["timeline"] if s["event"] == "arrival"]
            assert kinds["Patient"] == 1
            assert kinds["Condition"] == len(record["conditions"])
            assert kinds["Encounter"] == len(arrivals)
            assert kinds["Procedure"] == len(record.get("treatments") or ())
            assert kinds["Communication"] == len(record.get("handovers") or ())
            assert kinds["ServiceRequest"] == len(record.get("medevac_requests") or ())
            assert bundle["id"] == _resources(bundle)[0]["id"] == record["id"]


def _by_type(bundle: Json, resource_type: str) -> list[Json]:
    return [r for r in _resources(bundle) if r["resourceType"] == resource_type]


def _disposition(encounter: Json) -> str:
    return str(encounter["hospitalization"]["dischargeDisposition"]["coding"][0]["code"])


def test_it_maps_outcomes_to_deaths_and_discharge_dispositions(
    samples: dict[str, list[Json]],
) -> None:
    seen = set()
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            _check_outcome(record, bundle)
            seen.add(record["outcome"])
    assert seen == {"KIA", "DOW", "RTD", "EVACUATED"}


def _check_outcome(record: Json, bundle: Json) -> None:
    patient = _by_type(bundle, "Patient")[0]
    encounters = _by_type(bundle, "Encounter")
    dead = record["outcome"] in ("KIA", "DOW")
    assert patient.get("deceasedDateTime") == (record["outcome_time"] if dead else None)
    if record["outcome"] == "KIA":
        assert encounters == []
        return
    for encounter in encounters[:-1]:
        assert _disposition(encounter) == "other-hcf"
    last = encounters[-1]
    if record["outcome"] == "EVACUATED" and record["outcome_facility"] == "R4":
        assert last["status"] == "in-progress" and "hospitalization" not in last
        return
    expected = {"DOW": "exp", "RTD": "home", "EVACUATED": "other-hcf"}[record["outcome"]]
    assert _disposition(last) == expected
    assert last["period"]["end"] == record["outcome_time"]


def test_it_gives_each_encounter_its_role_and_stay(samples: dict[str, list[Json]]) -> None:
    record = next(r for r in samples["battalion-exercise"] if len(r["timeline"]) > 4)
    encounters = _by_type(_bundles([record])[0], "Encounter")
    arrivals = [s for s in record["timeline"] if s["event"] == "arrival"]
    for encounter, arrival in zip(encounters, arrivals, strict=True):
        role = arrival["facility"]
        assert encounter["id"] == f"{record['id']}-enc-{role}"
        assert encounter["period"]["start"] == arrival["time"]
        assert encounter["location"][0]["location"]["display"] == f"Role {role[1]}"
        assert encounter["class"]["code"] == ("EMER" if role == "R1" else "IMP")


def test_it_is_deterministic_and_independent_of_chunking(
    samples: dict[str, list[Json]],
) -> None:
    records = samples["urban-operations"]
    whole = fhir.render_fhir(records)
    assert whole == fhir.render_fhir(copy.deepcopy(records))
    assert whole == fhir.render_fhir(records[:7]) + fhir.render_fhir(records[7:])
    assert whole.count(b"\n") == len(records) and whole.endswith(b"\n")


def test_it_derives_full_urls_as_uuid5_of_type_and_id(bundles: list[Json]) -> None:
    for entry in bundles[0]["entry"]:
        resource = entry["resource"]
        name = f"{resource['resourceType']}/{resource['id']}"
        assert entry["fullUrl"] == f"urn:uuid:{uuid.uuid5(fhir._NAMESPACE, name)}"


def _with_care(record: Json) -> Json:
    """A copy of a record that reaches R1 first, with hand-built treatments and vital
    signs at the point of injury (no encounter) and at R1 (some values missing)."""
    poi, r1 = record["timeline"][0], record["timeline"][1]
    full: dict[str, float] = {
        "heart_rate": 128,
        "respiratory_rate": 26,
        "systolic": 88,
        "diastolic": 54,
    }
    full |= {"spo2": 91, "gcs": 13, "temperature": 35.8}
    partial = dict.fromkeys(full) | {"heart_rate": 110, "diastolic": 60}
    tourniquet = {"code": "20655006", "display": "Application of tourniquet"}
    airway = {"code": "182692007", "display": "Nasopharyngeal airway insertion"}
    txa = {
        "code": "386358000",
        "display": "Administration of drug or medicament via intravenous route",
        "medication": {"code": "386960009", "display": "Tranexamic acid"},
    }
    return record | {
        "treatments": [
            {"time": poi["time"], "facility": "POI", **tourniquet},
            {"time": r1["time"], "facility": "R1", **airway},
            {"time": r1["time"], "facility": "R1", **txa},
        ],
        "vitals": [
            {"time": poi["time"], "facility": "POI", "context": "injury", **full},
            {"time": r1["time"], "facility": "R1", "context": "arrival", **partial},
        ],
    }


@pytest.fixture(scope="module")
def cared_for(samples: dict[str, list[Json]]) -> tuple[Json, Json]:
    evacuated = next(
        r for r in samples["battalion-exercise"] if r["timeline"][1]["facility"] == "R1"
    )
    record = _with_care(evacuated)
    return record, _bundles([record])[0]


def test_it_maps_hand_built_treatments_to_valid_procedures(
    cared_for: tuple[Json, Json], verified_snomed: dict[str, str], loinc: dict[str, str]
) -> None:
    record, bundle = cared_for
    _validate(bundle)
    _check_codes(bundle, verified_snomed, loinc)
    procedures = _by_type(bundle, "Procedure")
    codes = [p["code"]["coding"][0]["code"] for p in procedures]
    assert codes == ["20655006", "182692007", "386358000"]
    assert [p.get("usedCode") for p in procedures[:2]] == [None, None]
    # the drug of a drug administration: the substance, as the items used
    assert procedures[2]["usedCode"] == [
        {
            "coding": [{"system": fhir.SNOMED, "code": "386960009", "display": "Tranexamic acid"}],
            "text": "Tranexamic acid",
        }
    ]
    assert "encounter" not in procedures[0]  # point of injury
    assert procedures[0]["location"]["display"] == "Point of injury"
    assert procedures[1]["encounter"]["reference"] == _url(bundle, f"{record['id']}-enc-R1")
    assert procedures[1]["performedDateTime"] == record["timeline"][1]["time"]


def _url(bundle: Json, resource_id: str) -> str:
    return str(next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["id"] == resource_id))


def test_it_maps_hand_built_vitals_to_valid_observations(
    cared_for: tuple[Json, Json], verified_snomed: dict[str, str], loinc: dict[str, str]
) -> None:
    record, bundle = cared_for
    _validate(bundle)
    _check_codes(bundle, verified_snomed, loinc)
    observations = {
        o["id"].removeprefix(record["id"] + "-"): o for o in _by_type(bundle, "Observation")
    }
    first = {k.removeprefix("obs-1-") for k in observations if k.startswith("obs-1-")}
    assert first == {"hr", "rr", "spo2", "temp", "bp", "gcs"}
    assert {k for k in observations if k.startswith("obs-2-")} == {"obs-2-hr", "obs-2-bp"}
    heart_rate = {"value": 128, "unit": "beats/minute", "system": fhir.UCUM, "code": "/min"}
    assert observations["obs-1-hr"]["valueQuantity"] == heart_rate
    assert observations["obs-1-gcs"]["valueInteger"] == 13
    assert observations["obs-1-temp"]["valueQuantity"]["code"] == "Cel"
    assert "encounter" not in observations["obs-1-hr"]
    assert "encounter" in observations["obs-2-hr"]


def test_it_maps_blood_pressure_as_a_panel_with_components(cared_for: tuple[Json, Json]) -> None:
    _, bundle = cared_for
    panels = [o for o in _by_type(bundle, "Observation") if o["id"].endswith("-bp")]
    full, partial = panels
    assert full["code"]["coding"][0]["code"] == "85354-9"
    assert [c["code"]["coding"][0]["code"] for c in full["component"]] == ["8480-6", "8462-4"]
    assert [c["valueQuantity"]["value"] for c in full["component"]] == [88, 54]
    assert [c["code"]["coding"][0]["code"] for c in partial["component"]] == ["8462-4"]
    for panel in panels:
        assert panel["category"][0]["coding"][0]["code"] == "vital-signs"
        assert all(c["valueQuantity"]["code"] == "mm[Hg]" for c in panel["component"])


def test_it_maps_blood_group_and_identity(samples: dict[str, list[Json]]) -> None:
    record = samples["peacekeeping"][0]
    bundle = _bundles([record])[0]
    patient = _by_type(bundle, "Patient")[0]
    group = next(o for o in _by_type(bundle, "Observation") if o["id"].endswith("blood-group"))
    code = reference.people()["blood_group_codes"][record["blood_group"]]
    assert group["code"]["coding"][0]["code"] == "882-1"
    assert group["valueCodeableConcept"]["coding"][0]["code"] == code
    assert patient["identifier"][0]["system"] == "urn:medgen:patient-id"
    assert patient["identifier"][0]["value"] == record["id"]
    assert patient["identifier"][1]["value"] == record["service_number"]
    assert patient["name"][0]["family"] == record["name"]["family"]
    assert patient["gender"] == record["sex"] and patient["birthDate"] == record["birth_date"]
    assert patient["address"] == [{"country": record["nationality"]}]


def _records_without_clinical_detail() -> list[Json]:
    doc = {**generation.load_preset("battalion-exercise"), "total_patients": SAMPLE}
    scenario = generation.parse_scenario({**doc, "clinical_detail": False})
    return generation.generate_chunk(generation.make_plan(scenario, 5), 0, SAMPLE)


def test_it_renders_records_without_clinical_detail() -> None:
    records = _records_without_clinical_detail()
    assert not any("vitals" in r or "handovers" in r or "transport" in r for r in records)
    assert {r["outcome"] for r in records} >= {"KIA", "RTD"}
    for record, bundle in zip(records, _bundles(records), strict=True):
        _validate(bundle)
        kinds = Counter(r["resourceType"] for r in _resources(bundle))
        assert kinds["Procedure"] == kinds["Communication"] == kinds["ServiceRequest"] == 0
        # The blood group and the triage at injury: no re-triage without clinical detail.
        assert [o["id"] for o in _by_type(bundle, "Observation")] == [
            f"{record['id']}-obs-blood-group",
            f"{record['id']}-obs-triage",
        ]
        _check_identity(record, bundle)
        _check_precedence(record, bundle)


def _extensions(resource: Json) -> dict[str, Json]:
    return {extension["url"]: extension for extension in resource.get("extension", ())}


def _check_identity(record: Json, bundle: Json) -> None:
    extensions = _extensions(_by_type(bundle, "Patient")[0])
    assert set(extensions) == {RANK_URL, UNIT_URL}
    assert extensions[RANK_URL] == {"url": RANK_URL, "valueCode": record["rank"]}
    assert extensions[UNIT_URL] == {"url": UNIT_URL, "valueString": record["unit"]}


def test_it_carries_rank_and_unit_as_medgen_extensions(samples: dict[str, list[Json]]) -> None:
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            _check_identity(record, bundle)
    assert fhir.RANK_EXTENSION == RANK_URL and fhir.UNIT_EXTENSION == UNIT_URL


def _check_precedence(record: Json, bundle: Json) -> None:
    for encounter in _by_type(bundle, "Encounter"):
        priority = encounter["priority"]
        assert priority["text"] == record["precedence"]
        assert [(c["system"], c["code"]) for c in priority["coding"]] == [
            (fhir.ACT_PRIORITY, ENCOUNTER_PRIORITY[record["precedence"]])
        ]


def test_it_gives_every_encounter_the_evacuation_precedence(
    samples: dict[str, list[Json]],
) -> None:
    seen = set()
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            encounters = _by_type(bundle, "Encounter")
            assert (
                (record["precedence"] is None) == (record["outcome"] == "KIA") == (not encounters)
            )
            _check_precedence(record, bundle)
            seen.add(record["precedence"])
    assert seen == {None, *ENCOUNTER_PRIORITY}


def _triage(observation: Json) -> str:
    assert observation["code"]["coding"][0]["code"] == TRIAGE_INDEX
    return str(observation["valueCodeableConcept"]["text"])


def test_it_records_triage_at_injury_and_the_re_triage_of_each_arrival(
    samples: dict[str, list[Json]],
) -> None:
    retriaged = 0
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            triage = {
                o["id"].removeprefix(f"{record['id']}-"): o
                for o in _by_type(bundle, "Observation")
                if o["code"]["coding"][0]["code"] == TRIAGE_INDEX
            }
            first = triage.pop("obs-triage")
            assert _triage(first) == record["triage"] and "encounter" not in first
            assert first["effectiveDateTime"] == record["injury_time"]
            arrivals = [s for s in record["timeline"] if s["event"] == "arrival"]
            assert sorted(triage) == sorted(f"obs-triage-{s['facility']}" for s in arrivals)
            for arrival in arrivals:
                observation = triage[f"obs-triage-{arrival['facility']}"]
                assert _triage(observation) == arrival["triage"]
                assert observation["effectiveDateTime"] == arrival["time"]
                assert observation["encounter"]["reference"] == _url(
                    bundle, f"{record['id']}-enc-{arrival['facility']}"
                )
                retriaged += arrival["triage"] != record["triage"]
    assert retriaged > 0  # the samples do change triage on the way


def test_it_maps_each_atmist_handover_to_a_communication(samples: dict[str, list[Json]]) -> None:
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            communications = _by_type(bundle, "Communication")
            assert len(communications) == len(record.get("handovers") or ())
            for handover, communication in zip(record["handovers"], communications, strict=True):
                assert communication["payload"] == [{"contentString": handover["text"]}]
                assert communication["sent"] == handover["time"]
                assert communication["subject"]["reference"] == _url(bundle, record["id"])
                receiving = _url(bundle, f"{record['id']}-enc-{handover['to']}")
                assert communication["encounter"]["reference"] == receiving
                assert communication["sender"]["display"] == fhir.ROLE_NAMES[handover["from"]]
                assert communication["recipient"][0]["display"] == fhir.ROLE_NAMES[handover["to"]]


def test_it_maps_each_9_line_request_to_a_service_request(samples: dict[str, list[Json]]) -> None:
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            orders = _by_type(bundle, "ServiceRequest")
            requests = record.get("medevac_requests") or ()
            assert len(orders) == len(requests)
            for request, order in zip(requests, orders, strict=True):
                _check_request(record, bundle, request, order)


def _check_request(record: Json, bundle: Json, request: Json, order: Json) -> None:
    assert order["note"] == [{"text": request["text"]}]
    assert order["priority"] == REQUEST_PRIORITY[record["precedence"]]
    assert order["authoredOn"] == request["time"]
    assert order["requester"]["display"] == fhir.ROLE_NAMES[request["from"]]
    assert order["locationCode"] == [{"text": request["1_location"]}]
    assert order["orderDetail"] == [{"text": record["transport"]}, {"text": record["movement"]}]
    if request["from"] == "POI":
        assert "encounter" not in order
    else:
        sending = _url(bundle, f"{record['id']}-enc-{request['from']}")
        assert order["encounter"]["reference"] == sending
    # The Encounter at the role the request names was based on it.
    arriving = next(
        e for e in _by_type(bundle, "Encounter") if e["id"] == f"{record['id']}-enc-{request['to']}"
    )
    assert arriving["basedOn"] == [{"reference": _url(bundle, order["id"])}]


def test_it_is_a_registered_format_that_generate_writes() -> None:
    fmt = FORMATS["fhir"]
    assert (fmt.filename, fmt.content_type) == ("patients.fhir.ndjson", "application/fhir+ndjson")
    files: dict[str, io.BytesIO] = {}

    class Sink(io.BytesIO):
        def close(self) -> None:  # keep the bytes readable after the writer closes
            pass

    def sink(name: str) -> io.BytesIO:
        return files.setdefault(name, Sink())

    doc = {**generation.load_preset("battalion-exercise"), "total_patients": 40}
    scenario = generation.parse_scenario(doc)
    generation.generate(scenario, seed=3, sink=sink, formats=("fhir",), chunk_size=16)
    lines = files["patients.fhir.ndjson"].getvalue().decode().splitlines()
    assert len(lines) == 40 and all(json.loads(line)["type"] == "collection" for line in lines)
    first = files.pop("patients.fhir.ndjson").getvalue()
    generation.generate(scenario, seed=3, sink=sink, formats=("fhir",), chunk_size=7)
    assert files["patients.fhir.ndjson"].getvalue() == first  # same scenario and seed


def _codings(concept: Json) -> list[tuple[str, str]]:
    return [(coding["system"], coding["code"]) for coding in concept["coding"]]


def _event_parts(extension: Json) -> dict[str, Any]:
    """A casualty-event extension's parts, by url, as plain values."""
    assert set(extension) == {"url", "extension"}  # complex: parts only, no value
    parts: dict[str, Any] = {}
    for part in extension["extension"]:
        (key,) = set(part) - {"url"}
        value = part[key]
        parts[part["url"]] = value["code"] if key == "valueCoding" else value
    return parts


def _check_circumstances(record: Json, condition: Json) -> None:
    """The casualty category, mechanism and event of the record, on one Condition."""
    assert [_codings(c) for c in condition["category"]] == [
        [(fhir.CONDITION_CATEGORY, "encounter-diagnosis")],
        [(CATEGORY_SYSTEM, record["category"])],
    ]
    due_to, event = condition["extension"]
    assert due_to["url"] == DUE_TO_URL and event["url"] == EVENT_URL
    mechanism = [(MECHANISM_SYSTEM, record["mechanism"])]
    if record["mechanism"] in MECHANISM_EVENTS:
        mechanism.append((fhir.SNOMED, MECHANISM_EVENTS[record["mechanism"]]))
    assert _codings(due_to["valueCodeableConcept"]) == mechanism
    expected = {
        "eventId": record["event_id"],
        "front": record["front"],
        "warfareType": record["warfare_type"],
        "massCasualty": record["mass_casualty"],
    }
    if record["special_event"] is not None:
        expected["specialEvent"] = record["special_event"]
    assert _event_parts(event) == expected


def test_it_gives_every_condition_the_casualty_category_mechanism_and_event(
    samples: dict[str, list[Json]],
) -> None:
    """Every record has a condition, so even a KIA (no Encounter, no handover) carries
    its category: what makes a casualty WIA or DNBI."""
    seen: dict[str, set[Any]] = {key: set() for key in ("category", "outcome", "special_event")}
    for records in samples.values():
        for record, bundle in zip(records, _bundles(records), strict=True):
            conditions = _by_type(bundle, "Condition")
            assert conditions
            for condition in conditions:
                _check_circumstances(record, condition)
            for key, values in seen.items():
                values.add(record[key])
    assert seen["category"] == MEDGEN_CODES[CATEGORY_SYSTEM]
    assert "KIA" in seen["outcome"] and seen["special_event"] > {None}


def test_it_carries_the_circumstances_without_clinical_detail() -> None:
    records = _records_without_clinical_detail()
    for record, bundle in zip(records, _bundles(records), strict=True):
        for condition in _by_type(bundle, "Condition"):
            _check_circumstances(record, condition)


def test_it_names_each_mechanism_and_special_event_in_medgens_words() -> None:
    """Displays are MedGen's labels: the handover's mechanism words, the warfare and
    special-event labels of the reference tables."""
    record = _records_without_clinical_detail()[0] | {
        "mechanism": "gunshot",
        "warfare_type": "artillery",
        "special_event": "mass_casualty",
    }
    condition = _by_type(_bundles([record])[0], "Condition")[0]
    due_to, event = condition["extension"]
    assert due_to["valueCodeableConcept"]["text"] == "gunshot"
    assert due_to["valueCodeableConcept"]["coding"][1]["display"] == "Struck by firearm discharge"
    displays = {
        p["url"]: p["valueCoding"]["display"] for p in event["extension"] if "valueCoding" in p
    }
    assert displays == {
        "warfareType": "Artillery / indirect fire",
        "specialEvent": "Mass-casualty incident",
    }
