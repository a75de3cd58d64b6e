"""Downloads of a finished job's files: one file, or all of them as one streamed ZIP.

The pages and the API send the same answers (`output_response`, `zip_response`). A single
file honours `Range: bytes=...` (one range; 206 Partial Content, 416 when it lies outside
the file) so an interrupted download of a large file resumes where it stopped.
`If-Range` with the file's ETag (its SHA-256) makes a resumed download restart from zero
if the file ever changed. Several ranges in one request get the whole file, as RFC 9110
allows. The encrypted ZIP is `archive`; printable casualty cards are `cards`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404

from jobs.infra import storage
from jobs.infra.requests import AuthenticatedRequest
from jobs.infra.responses import StreamedFileResponse, StreamedResponse
from jobs.runs.models import Job, JobOutput
from jobs.runs.views import get_job_for_user

PIECE = 512 * 1024  # bytes read from storage at a time for a range
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def download_file(request: AuthenticatedRequest, job_id: UUID, name: str) -> HttpResponseBase:
    job = get_job_for_user(request, job_id)
    output = get_object_or_404(job.outputs, name=name)
    return output_response(request, output)


def download_zip(request: AuthenticatedRequest, job_id: UUID) -> HttpResponseBase:
    return zip_response(get_job_for_user(request, job_id))


def output_response(request: HttpRequest, output: JobOutput) -> HttpResponseBase:
    """The file as an attachment: whole (200), a byte range (206), or 416."""
    size = output.size
    wanted = _requested_range(request, output)
    if wanted is None:
        response: HttpResponseBase = StreamedFileResponse(
            output.file.open("rb"),
            as_attachment=True,
            filename=output.name,
            content_type=output.content_type,
        )
    elif wanted == UNSATISFIABLE:
        response = HttpResponse(status=416, content_type="text/plain")
        response.content = f"The range is outside the file ({size} bytes).\n".encode()
        response["Content-Range"] = f"bytes */{size}"
    else:
        first, last = wanted
        handle = output.file.open("rb")
        response = StreamedResponse(_read(handle, first, last - first + 1), status=206)
        response["Content-Type"] = output.content_type
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
        response["Content-Disposition"] = f'attachment; filename="{output.name}"'
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag(output)
    return response


def zip_response(job: Job) -> HttpResponseBase:
    """Every file of a completed job in one ZIP, streamed; 404 while it has none."""
    members = zip_members(job)
    response = StreamedResponse(storage.zip_stream(members), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="medgen-{job.id}.zip"'
    return response


def zip_members(job: Job) -> list[tuple[str, str]]:
    """(archive name, storage name) of every file of a finished job; 404 if none yet."""
    outputs = list(job.outputs.all())
    if job.status != Job.Status.COMPLETED or not outputs:
        raise Http404("This job has no files yet.")
    return [(f"medgen-{job.id}/{output.name}", str(output.file.name)) for output in outputs]


def etag(output: JobOutput) -> str:
    return f'"{output.sha256}"'


UNSATISFIABLE = (-1, -1)


def _requested_range(request: HttpRequest, output: JobOutput) -> tuple[int, int] | None:
    """(first, last) byte asked for, UNSATISFIABLE, or None for the whole file."""
    header = request.headers.get("Range", "").strip().replace(" ", "")
    match = RANGE_RE.match(header)
    if not match or not any(match.groups()):
        return None  # absent, several ranges, or not bytes: the whole file
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != etag(output):
        return None  # the client's copy is of another file: start again
    start, end, size = match[1], match[2], output.size
    if not start:  # "-n": the last n bytes
        length = int(end)
        return UNSATISFIABLE if length == 0 or size == 0 else (max(size - length, 0), size - 1)
    first = int(start)
    if first >= size:
        return UNSATISFIABLE
    last = min(int(end), size - 1) if end else size - 1
    return None if last < first else (first, last)


def _read(handle: IO[bytes], first: int, length: int) -> Iterator[bytes]:
    with handle:
        handle.seek(first)
        while length > 0:
            piece = handle.read(min(PIECE, length))
            if not piece:
                return
            length -= len(piece)
            yield piece
