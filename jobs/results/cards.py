"""Printable casualty cards: one card per patient, read from the job's `cards.ndjson`.

Every job writes that file beside its formats (`generation.CARDS`): one compact line per
patient in sequence order, holding what a card shows in the record's own shapes. A page
seeks to its first patient by bisecting byte offsets (`jobs.results.line_seek`) and reads
only its own lines; the file is never loaded whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, overload
from uuid import UUID

import orjson
import qrcode
import qrcode.constants
from django import forms
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathImage

import generation
from generation.scenario import CATEGORY_LABELS
from jobs.infra.requests import AuthenticatedRequest
from jobs.results import line_seek
from jobs.runs.models import Job
from jobs.runs.views import get_job_for_user

CARDS_PER_PAGE = 48
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


def casualty_cards(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
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


def _source(job: Job) -> str:
    """The storage name of the job's card file; 404 while the job has none."""
    if job.status != Job.Status.COMPLETED:
        raise Http404("This job has no patients yet.")
    name = job.attempt_prefix(job.attempt) + generation.CARDS.filename
    if not default_storage.exists(name):  # a job run before cards had their own file
        raise Http404("This job has no card file: run it again to print its cards.")
    return name


def _range_query(request: AuthenticatedRequest) -> str:
    """`from=..&to=..` of the request, for page links that keep the chosen range."""
    kept = {key: request.GET[key] for key in ("from", "to") if request.GET.get(key)}
    return "&".join(f"{key}={int(value)}" for key, value in kept.items())


class PatientRange(Sequence[dict[str, Any]]):
    """Patients `first..last` (sequences, inclusive) of a card file, for a Paginator.

    Slicing seeks to the slice's first patient and reads only the slice: nothing is
    cached, and nothing before the slice is read beyond a few probes (see `line_seek`).
    """

    def __init__(self, name: str, first: int, last: int) -> None:
        self.name, self.first, self.last = name, first, last

    def __len__(self) -> int:
        return max(0, self.last - self.first + 1)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):  # the Paginator only slices; a Sequence also indexes
            at = range(len(self))[index]
            return self[at : at + 1][0]
        start, stop, _ = index.indices(len(self))
        return read_patients(self.name, self.first + start, self.first + stop - 1)


def read_patients(name: str, first: int, last: int) -> list[dict[str, Any]]:
    """Card lines (record shapes) with sequence `first..last` from a stored card file.

    The first line is found by bisecting byte offsets and only the range's lines are
    read and parsed; a stream that cannot seek is read from the start instead.
    """
    if last < first:
        return []
    with default_storage.open(name, "rb") as handle:
        if handle.seekable():
            end = line_seek.stream_size(handle)
            line_seek.seek_sequence(handle, 0, end, first, _line_sequence)
        else:
            for _ in range(first - 1):  # read past, unparsed
                if not handle.readline():
                    return []
        lines = (handle.readline() for _ in range(last - first + 1))
        return [orjson.loads(line) for line in itertools.takewhile(bytes.strip, lines)]


def _line_sequence(line: bytes) -> int | None:
    """The sequence of a card line; None past the last one."""
    return int(orjson.loads(line)["sequence"]) if line.strip() else None


def card(record: dict[str, Any]) -> dict[str, Any]:
    """What one card shows, from a card line (or a whole record: the same shapes).

    Fields a record lacks (no clinical detail: no transport, no treatments) show a dash.
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
    drug = entry.get("medication")
    return {
        "time": _clock(at),
        "after": _since(injured, at) if injured else DASH,
        "facility": entry["facility"],
        # a drug administration names its drug: "Administration of drug ...: Atropine"
        "display": f"{entry['display']}: {drug['display']}" if drug else entry["display"],
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
