"""The patient file formats. One canonical record feeds all of them.

A format is a header, chunk bodies with a separator between chunks, and a footer, so
the bytes written do not depend on where chunk boundaries fall.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from generation.fastops import float_text
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
    "movement",
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


def csv_row(record: Record) -> list[str]:
    """One flat row; lists become '|'-separated, timeline entries 'time facility event'."""
    conditions = record["conditions"]
    timeline = record["timeline"]
    sites = [c["body_site"]["display"] if c["body_site"] else "" for c in conditions]
    facilities: list[str] = []  # in order of first visit (a dict.fromkeys, by hand)
    for step in timeline:
        if step["facility"] not in facilities:
            facilities.append(step["facility"])
    return [
        record["id"],
        str(record["sequence"]),
        "true",
        record["nationality"],
        record["front"],
        record["name"]["given"],
        record["name"]["family"],
        record["sex"],
        record["birth_date"],
        str(record["age"]),
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
        "|".join([c["code"] for c in conditions]),
        "|".join([c["display"] for c in conditions]),
        "|".join(sites),
        record["triage"],
        record["precedence"] or "",
        record["outcome"],
        record["outcome_facility"] or "",
        record["outcome_time"],
        ">".join(facilities),
        "|".join([_step(step) for step in timeline]),
        *_clinical_columns(record),
    ]


def _step(step: dict[str, Any]) -> str:
    text = f"{step['time']} {step['facility']} {step['event']}"
    return f"{text} {step['triage']}" if "triage" in step else text


def _clinical_columns(record: Record) -> list[str]:
    """transport, movement, treatments, first vital signs, last ATMIST, first 9-line (or
    empty)."""
    if "treatments" not in record:
        return ["", "", "", "", "", ""]
    vitals = record["vitals"]
    handovers = record["handovers"]
    requests = record["medevac_requests"]
    return [
        record["transport"],
        record["movement"] or "",
        "|".join([_treatment_text(t) for t in record["treatments"]]),
        _signs(vitals[0]) if vitals else "",
        handovers[-1]["text"] if handovers else "",
        requests[0]["text"] if requests else "",
    ]


def _treatment_text(treatment: Record) -> str:
    """`time facility code display`, and a drug administration's drug after a colon."""
    text = f"{treatment['time']} {treatment['facility']} {treatment['code']} {treatment['display']}"
    drug = treatment.get("medication")
    return f"{text}: {drug['code']} {drug['display']}" if drug else text


def _signs(vitals: dict[str, Any]) -> str:
    return (
        f"HR {vitals['heart_rate']} RR {vitals['respiratory_rate']} "
        f"BP {vitals['systolic']}/{vitals['diastolic']} SpO2 {vitals['spo2']} "
        f"GCS {vitals['gcs']} T {_number(vitals['temperature'])}"
    )


def _number(value: Any) -> str:
    """str(value); a float's text is remembered (writing it is the costly part)."""
    return float_text(value) if isinstance(value, float) else str(value)


def render_csv(records: Sequence[Record]) -> bytes:
    # Encoded row by row: most rows are ASCII, which encodes as a plain copy, while one
    # string for the chunk would be as wide as its widest character and need it all
    # converted (names with accents are in almost every chunk).
    return b"".join([_csv_line(csv_row(record)).encode() for record in records])


# csv.writer's rules (QUOTE_MINIMAL, "\r\n" line ends), applied by hand because its
# character-by-character copy was half the cost of a CSV chunk: a cell holding a comma,
# a quote, CR or LF is quoted, with quotes doubled. Rows are checked in large pieces:
# only the unit holds a comma in every row ("1st Battalion, ..."), so it is quoted on its
# own and the cells before and after it are each checked at once, cell by cell only in
# the rare piece that holds one of those characters.
_UNIT = CSV_COLUMNS.index("unit")


def _csv_line(row: list[str]) -> str:
    for cell in row:
        if cell and _formula_character(ord(cell[0])):  # rare: defuse, then write as usual
            row = [_defused(cell) for cell in row]
            break
    return f"{_cells(row[:_UNIT])},{_cell(row[_UNIT])},{_cells(row[_UNIT + 1 :])}\r\n"


# CSV injection (OWASP): a spreadsheet runs a cell starting with = + - @ (or tab or CR
# before one) as a formula, quoted or not; a front named `=cmd|' /C calc'!A0` is such a
# cell. Those cells get a leading apostrophe, which spreadsheets show as text. A cell
# that is a plain number (`-3`, `+1.5`) is left alone: it is a number, not a formula.
# Each cell's first character is compared as a code point: compiled, that is a few
# machine comparisons a cell (~3 ns), where a regex over the joined line stopped at every
# comma, and a set or startswith lookup per cell costs 6-16 times as much.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FORMULA_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")


def _formula_character(code: int) -> bool:
    """Whether chr(code) is one of _FORMULA_CHARACTERS (a test holds the two together)."""
    return code == 61 or code == 43 or code == 45 or code == 64 or code == 9 or code == 13


def _defused(cell: str) -> str:
    if cell.startswith(_FORMULA_CHARACTERS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _cells(cells: list[str]) -> str:
    # Searched without the separators: four memchr-fast searches of the cells end to end
    # cost less than counting the commas of the joined line.
    text = "".join(cells)
    if "," not in text and '"' not in text and "\r" not in text and "\n" not in text:
        return ",".join(cells)
    return ",".join([_cell(cell) for cell in cells])


def _cell(cell: str) -> str:
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\r" in cell or "\n" in cell:
        return '"' + cell + '"'
    return cell


# What a casualty card shows (jobs/results/cards.py), in the record's own shapes.
CARD_FIELDS = (
    "id",
    "sequence",
    "name",
    "service_number",
    "rank",
    "nationality",
    "unit",
    "blood_group",
    "category",
    "outcome",
    "injury_time",
    "triage",
    "precedence",
    "transport",
)


def card_record(record: Record) -> Record:
    """The part of a record that its casualty card shows; absent fields are None."""
    line: Record = {field: record.get(field) for field in CARD_FIELDS}
    line["conditions"] = [
        {"display": c["display"], "body_site": _site_display(c.get("body_site"))}
        for c in record["conditions"]
    ]
    line["treatments"] = [_treatment_line(t) for t in record.get("treatments") or ()]
    return line


def _treatment_line(treatment: Record) -> Record:
    """A card's treatment, in the record's shape: displays only (a drug administration's
    drug as `medication`)."""
    line = {key: treatment[key] for key in ("time", "facility", "display")}
    drug = treatment.get("medication")
    if drug:
        line["medication"] = {"display": drug["display"]}
    return line


def _site_display(site: Record | None) -> Record | None:
    return {"display": site["display"]} if site else None


def render_cards(records: Sequence[Record]) -> bytes:
    return b"".join(orjson.dumps(card_record(r), option=orjson.OPT_APPEND_NEWLINE) for r in records)


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
# Not a format users choose: MedGen's own card pages read it (`generate(..., cards=True)`).
CARDS = Format("cards", "cards.ndjson", "application/x-ndjson", b"", b"", b"", render_cards)
CONTENT_TYPES = {fmt.filename: fmt.content_type for fmt in FORMATS.values()} | {
    "manifest.json": "application/json"
}


def get_format(name: str) -> Format:
    if name == CARDS.name:
        return CARDS
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; use {', '.join(FORMATS)}") from None
