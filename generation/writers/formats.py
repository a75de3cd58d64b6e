"""The patient file formats. One canonical record feeds all of them.

A format is a header, chunk bodies with a separator between chunks, and a footer, so
the bytes written do not depend on where chunk boundaries fall.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from generation.writers.fhir import render_fhir

Record = dict[str, Any]

CSV_COLUMNS = (
    "id",
    "sequence",
    "exercise",
    "nationality",
    "front",
    "given_name",
    "family_name",
    "sex",
    "birth_date",
    "age",
    "blood_group",
    "service_number",
    "rank",
    "unit",
    "category",
    "warfare_type",
    "mechanism",
    "injury_time",
    "event_id",
    "mass_casualty",
    "special_event",
    "condition_codes",
    "conditions",
    "body_sites",
    "triage",
    "precedence",
    "outcome",
    "outcome_facility",
    "outcome_time",
    "facilities",
    "timeline",
    "transport",
    "treatments",
    "vitals_at_injury",
    "handover",
    "medevac_request",
)


@dataclass(frozen=True)
class Format:
    name: str
    filename: str
    content_type: str
    header: bytes
    separator: bytes
    footer: bytes
    render: Callable[[Sequence[Record]], bytes]


def render_json(records: Sequence[Record]) -> bytes:
    # orjson: compact UTF-8, key order kept, several times faster than json.dumps.
    return b",\n".join(map(orjson.dumps, records))


def render_ndjson(records: Sequence[Record]) -> bytes:
    return b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records)


def csv_row(record: Record) -> list[Any]:
    """One flat row; lists become '|'-separated, timeline entries 'time facility event'."""
    conditions = record["conditions"]
    sites = [c["body_site"]["display"] if c["body_site"] else "" for c in conditions]
    facilities = dict.fromkeys(step["facility"] for step in record["timeline"])
    return [
        record["id"],
        record["sequence"],
        "true",
        record["nationality"],
        record["front"],
        record["name"]["given"],
        record["name"]["family"],
        record["sex"],
        record["birth_date"],
        record["age"],
        record["blood_group"],
        record["service_number"],
        record["rank"],
        record["unit"],
        record["category"],
        record["warfare_type"],
        record["mechanism"],
        record["injury_time"],
        record["event_id"],
        "true" if record["mass_casualty"] else "false",
        record["special_event"] or "",
        "|".join(c["code"] for c in conditions),
        "|".join(c["display"] for c in conditions),
        "|".join(sites),
        record["triage"],
        record["precedence"] or "",
        record["outcome"],
        record["outcome_facility"] or "",
        record["outcome_time"],
        ">".join(facilities),
        "|".join(_step(step) for step in record["timeline"]),
        *_clinical_columns(record),
    ]


def _step(step: dict[str, Any]) -> str:
    text = f"{step['time']} {step['facility']} {step['event']}"
    return f"{text} {step['triage']}" if "triage" in step else text


def _clinical_columns(record: Record) -> list[str]:
    """transport, treatments, first vital signs, last ATMIST, first 9-line (or empty)."""
    if "treatments" not in record:
        return ["", "", "", "", ""]
    vitals = record["vitals"]
    first = vitals[0] if vitals else None
    signs = (
        f"HR {first['heart_rate']} RR {first['respiratory_rate']} "
        f"BP {first['systolic']}/{first['diastolic']} SpO2 {first['spo2']} "
        f"GCS {first['gcs']} T {first['temperature']}"
        if first
        else ""
    )
    return [
        record["transport"],
        "|".join(
            f"{t['time']} {t['facility']} {t['code']} {t['display']}" for t in record["treatments"]
        ),
        signs,
        record["handovers"][-1]["text"] if record["handovers"] else "",
        record["medevac_requests"][0]["text"] if record["medevac_requests"] else "",
    ]


def render_csv(records: Sequence[Record]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(map(csv_row, records))
    return buffer.getvalue().encode()


def _csv_header() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(CSV_COLUMNS)
    return buffer.getvalue().encode()


FORMATS: dict[str, Format] = {
    "json": Format(
        "json", "patients.json", "application/json", b"[\n", b",\n", b"\n]\n", render_json
    ),
    "ndjson": Format(
        "ndjson", "patients.ndjson", "application/x-ndjson", b"", b"", b"", render_ndjson
    ),
    "csv": Format("csv", "patients.csv", "text/csv", _csv_header(), b"", b"", render_csv),
    "fhir": Format(
        "fhir", "patients.fhir.ndjson", "application/fhir+ndjson", b"", b"", b"", render_fhir
    ),
}
CONTENT_TYPES = {fmt.filename: fmt.content_type for fmt in FORMATS.values()} | {
    "manifest.json": "application/json"
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; use {', '.join(FORMATS)}") from None
