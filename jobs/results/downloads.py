"""Downloads of a finished job's files: one file, or all of them as one streamed ZIP.

The encrypted ZIP is `archive`; printable casualty cards are `cards`.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from jobs.infra import storage
from jobs.infra.responses import StreamedFileResponse, StreamedResponse
from jobs.runs.models import Job
from jobs.runs.views import get_job_for_user


def download_file(request: HttpRequest, job_id: UUID, name: str) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    output = get_object_or_404(job.outputs, name=name)
    handle = output.file.open("rb")
    return StreamedFileResponse(
        handle, as_attachment=True, filename=output.name, content_type=output.content_type
    )


def download_zip(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = get_job_for_user(request, job_id)
    outputs = list(job.outputs.all())
    if job.status != Job.Status.COMPLETED or not outputs:
        raise Http404("This job has no files yet.")
    members = [(f"medgen-{job.id}/{o.name}", o.file.name) for o in outputs]
    response = StreamedResponse(storage.zip_stream(members), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="medgen-{job.id}.zip"'
    return response
