"""Printable casualty cards: one card per patient, read from the job's stored files.

Patients are streamed from `patients.ndjson`, else `patients.json` (one record per line
by the output contract), else `patients.csv`; never loaded whole. Line k of a file is the
patient with sequence k, so a page is reached by reading past the lines before it.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
import qrcode
import qrcode.constants
from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathImage

from generation.vocabulary import CATEGORY_LABELS
from jobs.models import Job, JobOutput
from jobs.views import get_job_for_user

CARDS_PER_PAGE = 48
SOURCES = ("patients.ndjson", "patients.json", "patients.csv")  # in order of preference

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
        return render(request, "jobs/cards.html", context, status=400)
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
    return render(request, "jobs/cards.html", context)


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

    Slicing reads the file from the start up to the slice's end: nothing is cached, and
    only the records of the slice are parsed.
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
    """Records with sequence `first..last` from a stored patients file, streamed.

    Lines before `first` are read and split but not parsed (JSON) or only tokenised (CSV,
    whose quoted fields may span lines).
    """
    if last < first:
        return []
    with output.file.open("rb") as handle:
        lines: Iterator[bytes] = iter(handle)
        if output.name.endswith(".csv"):
            rows = csv.reader(codecs.iterdecode(lines, "utf-8"))
            header = next(rows)
            chosen = itertools.islice(rows, first - 1, last)
            return [_from_csv_row(dict(zip(header, row, strict=True))) for row in chosen]
        if output.name.endswith(".json"):
            next(lines, None)  # the opening "[" line
        chosen_lines = itertools.islice(lines, first - 1, last)
        return [_from_json_line(line) for line in chosen_lines if not line.startswith(b"]")]


def _from_json_line(line: bytes) -> dict[str, Any]:
    # patients.json puts one record per line, each but the last followed by a comma.
    return orjson.loads(line.rstrip(b"\r\n").rstrip(b","))  # type: ignore[no-any-return]


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
    """What one card shows, from a patient record (JSON shape)."""
    injured = _parse_time(record["injury_time"])
    return {
        "id": record["id"],
        "sequence": record["sequence"],
        "name": f"{record['name']['family'].upper()}, {record['name']['given']}",
        "service_number": record["service_number"],
        "rank": record["rank"],
        "nationality": record["nationality"],
        "unit": record["unit"],
        "blood_group": record["blood_group"],
        "casualty_type": casualty_type(record),
        "category": CATEGORY_LABELS.get(record["category"], record["category"]),
        "injury_time": _clock(injured),
        "diagnosis": [_condition(condition) for condition in record["conditions"]],
        "triage": record["triage"],
        "precedence": PRECEDENCE_LABELS.get(record.get("precedence") or "", "—"),
        "transport": (record.get("transport") or "—").capitalize(),
        "treatments": [_treatment(entry, injured) for entry in record.get("treatments") or []],
        "qr": qr_svg(record["id"]),
    }


def casualty_type(record: dict[str, Any]) -> str:
    """KIA, WIA (battle injury, alive on the field) or DNBI (disease, non-battle injury)."""
    if record["outcome"] == "KIA":
        return "KIA"
    return "WIA" if record["category"] == "battle_injury" else "DNBI"


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


def _treatment(entry: dict[str, Any], injured: datetime) -> dict[str, str]:
    at = _parse_time(entry["time"])
    minutes = int((at - injured).total_seconds() // 60)
    return {
        "time": _clock(at),
        "after": f"+{minutes // 60}:{minutes % 60:02d}",
        "facility": entry["facility"],
        "display": entry["display"],
    }


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _clock(at: datetime) -> str:
    return at.strftime("%d %H:%MZ")
