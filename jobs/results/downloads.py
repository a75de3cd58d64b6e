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
from collections.abc import Iterable, Iterator
from typing import IO
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render

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
    if gone_names([output]):
        return files_gone(request, job)
    return output_response(request, output)


def download_zip(request: AuthenticatedRequest, job_id: UUID) -> HttpResponseBase:
    job = get_job_for_user(request, job_id)
    if storage.missing(name for _, name in zip_members(job)):
        return files_gone(request, job)
    return zip_response(request, job)


def output_response(request: HttpRequest, output: JobOutput) -> HttpResponseBase:
    """The file as an attachment: whole (200), a byte range (206), or 416. HEAD gets the
    same headers and no body, without opening the file."""
    size = output.size
    wanted = _requested_range(request, output)
    if wanted == UNSATISFIABLE:
        text = f"The range is outside the file ({size} bytes).\n"  # the server drops it for HEAD
        response: HttpResponseBase = HttpResponse(text, status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
    elif request.method == "HEAD":
        first, last = wanted or (0, size - 1)
        response = HttpResponse(status=200 if wanted is None else 206)
    elif wanted is None:
        response = StreamedFileResponse(
            output.file.open("rb"),
            as_attachment=True,
            filename=output.name,
            content_type=output.content_type,
        )
    else:
        first, last = wanted
        handle = output.file.open("rb")
        response = StreamedResponse(_read(handle, first, last - first + 1), status=206)
    if response.status_code != 416:
        response["Content-Type"] = output.content_type
        response["Content-Length"] = str(size if wanted is None else last - first + 1)
        response["Content-Disposition"] = f'attachment; filename="{output.name}"'
        if wanted is not None:
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag(output)
    return response


def zip_response(request: HttpRequest, job: Job) -> HttpResponseBase:
    """Every file of a completed job in one ZIP, streamed; 404 while it has none. HEAD gets
    the headers only (no Content-Length: the archive's size is known once it is made)."""
    members = zip_members(job)
    stream = iter(()) if request.method == "HEAD" else storage.zip_stream(members)
    response = StreamedResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="medgen-{job.id}.zip"'
    return response


def gone_names(outputs: Iterable[JobOutput]) -> list[str]:
    """The names (never the storage paths) of the outputs whose files storage no longer has."""
    listed = list(outputs)
    missing = set(storage.missing(str(output.file.name) for output in listed))
    return [output.name for output in listed if str(output.file.name) in missing]


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


def files_gone(request: AuthenticatedRequest, job: Job) -> HttpResponseBase:
    """410 Gone: the job's row lists files that storage no longer has (never its paths)."""
    return render(request, "results/files_gone.html", {"job": job}, status=410)
