"""Downloads of a finished job's files: one file, or all of them as one streamed ZIP.

The encrypted ZIP is `archive`; printable casualty cards are `cards`.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponseBase
from django.shortcuts import get_object_or_404, render

from jobs.infra import storage
from jobs.infra.requests import AuthenticatedRequest
from jobs.infra.responses import StreamedFileResponse, StreamedResponse
from jobs.runs.models import Job
from jobs.runs.views import get_job_for_user


def download_file(request: AuthenticatedRequest, job_id: UUID, name: str) -> HttpResponseBase:
    job = get_job_for_user(request, job_id)
    output = get_object_or_404(job.outputs, name=name)
    try:
        handle = output.file.open("rb")
    except FileNotFoundError:
        return files_gone(request, job)
    return StreamedFileResponse(
        handle, as_attachment=True, filename=output.name, content_type=output.content_type
    )


def download_zip(request: AuthenticatedRequest, job_id: UUID) -> HttpResponseBase:
    job = get_job_for_user(request, job_id)
    members = zip_members(job)
    if storage.missing(name for _, name in members):
        return files_gone(request, job)
    response = StreamedResponse(storage.zip_stream(members), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="medgen-{job.id}.zip"'
    return response


def zip_members(job: Job) -> list[tuple[str, str]]:
    """(archive name, storage name) of every file of a finished job; 404 if none yet."""
    outputs = list(job.outputs.all())
    if job.status != Job.Status.COMPLETED or not outputs:
        raise Http404("This job has no files yet.")
    return [(f"medgen-{job.id}/{output.name}", str(output.file.name)) for output in outputs]


def files_gone(request: AuthenticatedRequest, job: Job) -> HttpResponseBase:
    """410 Gone: the job's row lists files that storage no longer has (never its paths)."""
    return render(request, "results/files_gone.html", {"job": job}, status=410)
