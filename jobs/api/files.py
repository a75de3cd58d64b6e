"""A job's files: listed with size and SHA-256, each downloaded (resumable), or one ZIP.

The responses are the pages' own (jobs.downloads), so a file comes out byte for byte the
same through either door.
"""

from typing import Any
from uuid import UUID

from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router

from jobs.api.errors import READ_ERRORS
from jobs.api.schemas import FileOut
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


@router.get(
    "/{job_id}/files/{name}",
    response=READ_ERRORS,
    url_name="download_file",
    summary="Download a file",
    openapi_extra={
        "responses": {
            **_binary(200, 206),
            416: {
                "description": "The range lies outside the file (`Content-Range: bytes */size`).",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            },
        },
        "parameters": [
            {
                "name": "Range",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "pattern": "^bytes=[0-9]*-[0-9]*$"},
                "description": "`bytes=first-last`, `bytes=first-` or `bytes=-suffix`.",
            }
        ],
    },
)
def download_file(request: AuthenticatedRequest, job_id: UUID, name: str) -> HttpResponseBase:
    """The file, streamed; `Range: bytes=n-` resumes (206), with `If-Range: <ETag>`."""
    output = get_object_or_404(get_job_for_user(request, job_id).outputs, name=name)
    return downloads.output_response(request, output)


@router.get(
    "/{job_id}/download.zip",
    response=READ_ERRORS,
    summary="Download every file as a ZIP",
    openapi_extra={"responses": _binary(200, media="application/zip")},
)
def download_zip(request: AuthenticatedRequest, job_id: UUID) -> HttpResponseBase:
    """Every file of a completed job in one streamed ZIP; 404 until it has completed."""
    return downloads.zip_response(get_job_for_user(request, job_id))
