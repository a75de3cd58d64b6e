"""Printable casualty cards: one card per patient, read from the job's stored files.

Patients come from `patients.ndjson`, else `patients.json`, else `patients.csv`, else
`patients.fhir.ndjson` (cheapest to parse first); never loaded whole. Every one of them
holds one patient per line in sequence order (the output contract), so a page seeks to
its first patient by bisecting byte offsets (`jobs.results.line_seek`) and reads only its own
lines.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
import qrcode
import qrcode.constants
from django import forms
from django.core.files import File
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathImage

from generation.vocabulary import CATEGORY_LABELS
from jobs.results import card_fhir, line_seek
from jobs.runs.models import Job, JobOutput
from jobs.runs.views import get_job_for_user

CARDS_PER_PAGE = 48
# In order of preference: JSON parses fastest, a FHIR Bundle is ~8 times a record's size.
SOURCES = ("patients.ndjson", "patients.json", "patients.csv", "patients.fhir.ndjson")

DASH = "—"  # what a card shows for a value its source does not carry
# Card fields shown as the record has them.
SHOWN_AS_IS = (
    "service_number",
    "rank",
    "nationality",
    "unit",
    "blood_group",
    "triage",
)
PRECEDENCE_LABELS = {
    "urgent": "A · Urgent",
    "urgent_surgical": "B · Urgent surgical",
    "priority": "C · Priority",
    "routine": "D · Routine",
}


class CardRangeForm(forms.Form):
    """The `?from=&to=` sequence range (inclusive) and the `?page=` inside it."""

    start = forms.IntegerField(min_value=1, required=False, label="From")
    end = forms.IntegerField(min_value=1, required=False, label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("“From” must not be after “To”.")
        return data


def casualty_cards(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    source = _source(job)
    form = CardRangeForm({"start": request.GET.get("from"), "end": request.GET.get("to")})
    if not form.is_valid():
        context = {"job": job, "form": form, "cards": []}
        return render(request, "results/cards.html", context, status=400)
    first = form.cleaned_data["start"] or 1
    last = min(form.cleaned_data["end"] or job.total, job.total)
    records = PatientRange(source, first, max(last, first - 1))
    page = Paginator(records, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "form": form,
        "page": page,
        "cards": [card(record) for record in page.object_list],
        "first": first,
        "last": last,
        "range_query": _range_query(request),
    }
    return render(request, "results/cards.html", context)


def _source(job: Job) -> JobOutput:
    """The patient file to read cards from; 404 while the job has none."""
    if job.status != Job.Status.COMPLETED:
        raise Http404("This job has no patients yet.")
    outputs = {output.name: output for output in job.outputs.filter(name__in=SOURCES)}
    for name in SOURCES:
        if name in outputs:
            return outputs[name]
    raise Http404("This job has no patient file to make cards from.")


def _range_query(request: HttpRequest) -> str:
    """`from=..&to=..` of the request, for page links that keep the chosen range."""
    kept = {key: request.GET[key] for key in ("from", "to") if request.GET.get(key)}
    return "&".join(f"{key}={int(value)}" for key, value in kept.items())


class PatientRange:
    """Patients `first..last` (sequences, inclusive) of a stored file, for a Paginator.

    Slicing seeks to the slice's first patient and reads only the slice: nothing is
    cached, and nothing before the slice is read beyond a few probes (see `line_seek`).
    """

    def __init__(self, output: JobOutput, first: int, last: int) -> None:
        self.output, self.first, self.last = output, first, last

    def count(self) -> int:
        return max(0, self.last - self.first + 1)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        start, stop, _ = window.indices(self.count())
        return read_patients(self.output, self.first + start, self.first + stop - 1)


def read_patients(output: JobOutput, first: int, last: int) -> list[dict[str, Any]]:
    """Records (JSON shape) with sequence `first..last` from a stored patients file.

    One patient per line in sequence order, so the first line is found by bisecting byte
    offsets and only the range's lines are read and parsed. A stream that cannot seek,
    or a CSV whose rows may span lines, is read from the start instead.
    """
    if last < first:
        return []
    # A fresh handle from the storage each time: a FieldFile's cached one can be reopened
    # only from a local path.
    with output.file.storage.open(output.file.name, "rb") as handle:
        if output.name.endswith(".csv"):
            return _read_csv(handle, first, last, seek=_csv_rows_are_lines(output.job))
        if output.name.endswith(".json"):
            handle.readline()  # the opening "[" line
        if output.name.endswith(".fhir.ndjson"):
            lines = _range_lines(handle, first, last, card_fhir.bundle_sequence)
            return [card_fhir.record_from_bundle(orjson.loads(line)) for line in lines]
        lines = _range_lines(handle, first, last, _json_line_sequence)
        return [_from_json_line(line) for line in lines]


def _range_lines(
    handle: File, first: int, last: int, sequence_of: line_seek.SequenceOf
) -> list[bytes]:
    """The record lines of sequences `first..last`, from the handle's first record line."""
    if handle.seekable():
        start = handle.tell()
        line_seek.seek_sequence(handle, start, line_seek.stream_size(handle), first, sequence_of)
    else:
        for _ in range(first - 1):  # read past, unparsed
            if not handle.readline():
                return []
    lines = (handle.readline() for _ in range(last - first + 1))
    return [line for line in itertools.takewhile(_is_record_line, lines)]


def _is_record_line(line: bytes) -> bool:
    """False at the end of the file, of the records (a JSON array's `]`) or a blank line."""
    return bool(line.strip()) and not line.startswith(b"]")


def _json_line_sequence(line: bytes) -> int | None:
    """The sequence of a JSON/NDJSON record line; None for the array's closing `]`."""
    if not _is_record_line(line):
        return None
    return _from_json_line(line)["sequence"]  # type: ignore[no-any-return]


def _from_json_line(line: bytes) -> dict[str, Any]:
    # patients.json puts one record per line, each but the last followed by a comma.
    return orjson.loads(line.rstrip(b"\r\n").rstrip(b","))  # type: ignore[no-any-return]


def _read_csv(handle: File, first: int, last: int, seek: bool) -> list[dict[str, Any]]:
    header = next(csv.reader([handle.readline().decode()]))
    if seek and handle.seekable():
        lines = _range_lines(handle, first, last, _csv_line_sequence)
        rows: Iterator[list[str]] = csv.reader(line.decode() for line in lines)
    else:
        # Rows may span lines: the csv module has to tokenise everything before the range.
        all_rows = csv.reader(codecs.iterdecode(iter(handle.readline, b""), "utf-8"))
        rows = itertools.islice(all_rows, first - 1, last)
    return [_from_csv_row(dict(zip(header, row, strict=True))) for row in rows]


def _csv_line_sequence(line: bytes) -> int | None:
    """The `sequence` column (the second; the id before it never needs quotes)."""
    fields = line.split(b",", 2)
    return int(fields[1]) if len(fields) == 3 else None


def _csv_rows_are_lines(job: Job) -> bool:
    """Whether every CSV row of the job is one line, so that CSV can be bisected.

    A row spans lines only where a quoted field holds a line break. The front name is
    the only free text in a row (the rest comes from the engine's tables and codes), and
    scenario documents allow any text there.
    """
    fronts = job.scenario.get("fronts") or []
    names = [front.get("name") for front in fronts if isinstance(front, dict)]
    return not any(isinstance(n, str) and ("\n" in n or "\r" in n) for n in names)


def _from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """The part of a record that a card shows, rebuilt from a CSV row."""
    sites = row["body_sites"].split("|")
    conditions = [
        {"display": display, "body_site": {"display": site} if site else None}
        for display, site in zip(row["conditions"].split("|"), sites, strict=False)
    ]
    treatments = []
    for entry in filter(None, row["treatments"].split("|")):
        time, facility, code, display = entry.split(" ", 3)
        treatments.append({"time": time, "facility": facility, "code": code, "display": display})
    return {
        **row,
        "sequence": int(row["sequence"]),
        "name": {"given": row["given_name"], "family": row["family_name"]},
        "precedence": row["precedence"] or None,
        "conditions": conditions,
        "treatments": treatments,
    }


def card(record: dict[str, Any]) -> dict[str, Any]:
    """What one card shows, from a patient record (JSON shape).

    A record rebuilt from FHIR may lack fields (None or absent): the card shows a dash.
    """
    injured = _parse_time(record["injury_time"]) if record.get("injury_time") else None
    return {
        "id": record["id"],
        "sequence": record["sequence"],
        "name": f"{record['name']['family'].upper()}, {record['name']['given']}",
        **{field: record.get(field) or DASH for field in SHOWN_AS_IS},
        "casualty_type": casualty_type(record),
        "category": CATEGORY_LABELS.get(record.get("category") or "", DASH),
        "injury_time": _clock(injured) if injured else DASH,
        "diagnosis": [_condition(condition) for condition in record["conditions"]],
        "precedence": PRECEDENCE_LABELS.get(record.get("precedence") or "", DASH),
        "transport": (record.get("transport") or DASH).capitalize(),
        "treatments": [_treatment(entry, injured) for entry in record.get("treatments") or []],
        "qr": qr_svg(record["id"]),
    }


def casualty_type(record: dict[str, Any]) -> str:
    """KIA, WIA (battle injury, alive on the field) or DNBI (disease, non-battle injury)."""
    if record.get("outcome") == "KIA":
        return "KIA"
    category = record.get("category")
    if category is None:
        return DASH
    return "WIA" if category == "battle_injury" else "DNBI"


def qr_svg(text: str) -> SafeString:
    """An inline SVG QR code of `text` (error correction M: survives a creased card)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
    return mark_safe(svg)  # generated markup: paths only, the text is not embedded


def _condition(condition: dict[str, Any]) -> str:
    site = condition.get("body_site")
    return f"{condition['display']} — {site['display']}" if site else condition["display"]


def _treatment(entry: dict[str, Any], injured: datetime | None) -> dict[str, str]:
    at = _parse_time(entry["time"])
    return {
        "time": _clock(at),
        "after": _since(injured, at) if injured else DASH,
        "facility": entry["facility"],
        "display": entry["display"],
    }


def _since(injured: datetime, at: datetime) -> str:
    minutes = int((at - injured).total_seconds() // 60)
    return f"+{minutes // 60}:{minutes % 60:02d}"


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _clock(at: datetime) -> str:
    """A military date-time group in UTC (Z): 040200ZMAY26."""
    at = at.astimezone(UTC)
    return f"{at:%d%H%M}Z{_MONTHS[at.month - 1]}{at:%y}"
