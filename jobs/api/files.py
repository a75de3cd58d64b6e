"""A job's files: listed with size and SHA-256, each downloaded (resumable), or one ZIP.

The responses are the pages' own (jobs.downloads), so a file comes out byte for byte the
same through either door.
"""

from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Status

from jobs.api.errors import READ_ERRORS
from jobs.api.schemas import ErrorOut, FileOut
from jobs.infra.requests import AuthenticatedRequest
from jobs.results import downloads
from jobs.runs.views import get_job_for_user

router = Router(tags=["files"])
BINARY = {"schema": {"type": "string", "format": "binary"}}


def _binary(*statuses: int, media: str = "*/*") -> dict[int, Any]:
    described = {200: "The whole file.", 206: "The requested byte range."}
    return {
        status: {"description": described[status], "content": {media: BINARY}}
        for status in statuses
    }


@router.get("/{job_id}/files", response={200: list[FileOut], **READ_ERRORS}, summary="List files")
def list_files(request: AuthenticatedRequest, job_id: UUID) -> list[dict[str, Any]]:
    job = get_job_for_user(request, job_id)
    return [
        {
            "name": o.name,
            "size": o.size,
            "sha256": o.sha256,
            "content_type": o.content_type,
            "url": reverse("api:download_file", kwargs={"job_id": job.id, "name": o.name}),
        }
        for o in job.outputs.all()
    ]


RANGE_HEADER = {
    "name": "Range",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^bytes=[0-9]*-[0-9]*$"},
    "description": "`bytes=first-last`, `bytes=first-` or `bytes=-suffix`.",
}
# A file the job's row lists but storage no longer has (removed after the job finished):
# the pages answer the same (410, results/files_gone.html).
FILE_ERRORS: dict[int, Any] = {**READ_ERRORS, 410: ErrorOut}
RANGE_NOT_SATISFIABLE = {
    "description": "The range lies outside the file (`Content-Range: bytes */size`).",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


def _headers_only(responses: dict[int, Any]) -> dict[int, Any]:
    """The GET answers' descriptions for HEAD, which has no body."""
    return {status: {"description": answer["description"]} for status, answer in responses.items()}


def _gone(job_id: UUID, names: list[str]) -> Status[dict[str, str]]:
    listed = ", ".join(names)
    return Status(
        410,
        {
            "detail": f"{listed} of job {job_id} {'is' if len(names) == 1 else 'are'} no longer on "
            "the server: removed from storage after the job finished. The same scenario and seed "
            "give the same files again: run the job again."
        },
    )


@router.get(
    "/{job_id}/files/{name}",
    response=FILE_ERRORS,
    url_name="download_file",
    summary="Download a file",
    openapi_extra={
        "responses": {**_binary(200, 206), 416: RANGE_NOT_SATISFIABLE},
        "parameters": [RANGE_HEADER],
    },
)
def download_file(request: AuthenticatedRequest, job_id: UUID, name: str) -> Any:
    """The file, streamed; `Range: bytes=n-` resumes (206), with `If-Range: <ETag>`."""
    output = get_object_or_404(get_job_for_user(request, job_id).outputs, name=name)
    if downloads.gone_names([output]):
        return _gone(job_id, [output.name])
    return downloads.output_response(request, output)


@router.api_operation(
    ["HEAD"],
    "/{job_id}/files/{name}",
    response=FILE_ERRORS,
    summary="A file's headers",
    openapi_extra={
        "responses": _headers_only({**_binary(200, 206), 416: RANGE_NOT_SATISFIABLE}),
        "parameters": [RANGE_HEADER],
    },
)
def head_file(request: AuthenticatedRequest, job_id: UUID, name: str) -> Any:
    """The download's headers (size, ETag, Content-Range) without the file: the same
    answers as GET, no body."""
    return download_file(request, job_id, name)


@router.get(
    "/{job_id}/download.zip",
    response=FILE_ERRORS,
    summary="Download every file as a ZIP",
    openapi_extra={"responses": _binary(200, media="application/zip")},
)
def download_zip(request: AuthenticatedRequest, job_id: UUID) -> Any:
    """Every file of a completed job in one streamed ZIP; 404 until it has completed,
    410 (before the archive starts) when a file is gone from storage."""
    job = get_job_for_user(request, job_id)
    downloads.zip_members(job)  # 404 until the job has completed with files
    gone = downloads.gone_names(job.outputs.all())
    if gone:
        return _gone(job_id, gone)
    return downloads.zip_response(request, job)


@router.api_operation(
    ["HEAD"],
    "/{job_id}/download.zip",
    response=FILE_ERRORS,
    summary="The ZIP's headers",
    openapi_extra={"responses": _headers_only(_binary(200, media="application/zip"))},
)
def head_zip(request: AuthenticatedRequest, job_id: UUID) -> Any:
    """Whether the ZIP can be downloaded (200, 404 or 410), without making it."""
    return download_zip(request, job_id)
