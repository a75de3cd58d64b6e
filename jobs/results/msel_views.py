"""The MSEL downloads: XLSX (built in a temporary file, then streamed) and CSV (streamed
as it is made). Both read the job's patient file from the start, in sequence (= time)
order, a batch at a time."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse

from jobs.infra.responses import StreamedFileResponse, StreamedResponse
from jobs.results import msel, msel_files
from jobs.results.cards import read_patients
from jobs.results.dtg import dtg
from jobs.results.figure_views import completed_job
from jobs.runs.models import Job

SOURCES = ("patients.ndjson", "patients.json", "patients.csv", "patients.fhir.ndjson")
BATCH = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def records(job: Job) -> Iterator[dict[str, Any]]:
    """Every patient record of the job, in sequence order, from its handiest file."""
    outputs = {output.name: output for output in job.outputs.filter(name__in=SOURCES)}
    source = next((outputs[name] for name in SOURCES if name in outputs), None)
    if source is None:
        raise Http404("This job has no patient file to make an MSEL from.")
    for first in range(1, job.total + 1, BATCH):
        yield from read_patients(source, first, min(job.total, first + BATCH - 1))


def job_msel(request: HttpRequest, job_id: UUID, kind: str) -> HttpResponse:
    job = completed_job(request, job_id)
    start = datetime.fromisoformat(job.scenario["start"])
    rows = msel.rows(records(job), start)
    name = f"medgen-{job.id}-msel"
    if kind == "csv":
        response = StreamedResponse(
            msel_files.csv_lines(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if kind != "xlsx":
        raise Http404("The MSEL comes as xlsx or csv.")
    about = [
        ("Job", f"{job.title or job.id}"),
        ("Casualties", str(job.total)),
        ("Scenario start", f"{job.scenario['start']} ({dtg(start)})"),
        ("Days", str(job.scenario["days"])),
        ("Fronts", ", ".join(front["name"] for front in job.scenario["fronts"])),
        ("Seed", str(job.seed)),
    ]
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
    msel_files.write_xlsx(rows, spool, about)
    spool.seek(0)
    return StreamedFileResponse(
        spool, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX
    )
