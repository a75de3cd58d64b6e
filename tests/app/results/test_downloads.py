"""Downloads: each file and a streamed ZIP, to the owner (and staff) only."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse

from jobs.infra import storage
from jobs.infra.responses import StreamedFileResponse, StreamedResponse
from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_job(completed_job: Any) -> Job:
    return completed_job(("json", "csv", "ndjson"))


def _stored(job: Job, name: str) -> bytes:
    with default_storage.open(job.outputs.get(name=name).file.name, "rb") as handle:
        return handle.read()


def test_it_sends_the_owner_each_file_as_an_attachment(alice_client: Any, done_job: Job) -> None:
    for output in done_job.outputs.all():
        response = alice_client.get(f"/jobs/{done_job.id}/files/{output.name}")

        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{output.name}"'
        assert response["Content-Type"].startswith(output.content_type)
        assert b"".join(response.streaming_content) == _stored(done_job, output.name)


def test_it_streams_a_zip_of_every_file(alice_client: Any, done_job: Job) -> None:
    response = alice_client.get(f"/jobs/{done_job.id}/download.zip")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="medgen-{done_job.id}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = {o.name for o in done_job.outputs.all()}
    assert {n.split("/", 1)[1] for n in archive.namelist()} == names
    for name in names:
        assert archive.read(f"medgen-{done_job.id}/{name}") == _stored(done_job, name)


def test_it_builds_the_zip_piece_by_piece(done_job: Job, monkeypatch: Any) -> None:
    monkeypatch.setattr(storage, "ZIP_PIECE", 4096)
    members = [(o.name, o.file.name) for o in done_job.outputs.all()]

    pieces = [p for p in storage.zip_stream(members) if p]

    assert len(pieces) > 10
    assert max(len(p) for p in pieces) < 64 * 1024
    assert zipfile.ZipFile(io.BytesIO(b"".join(pieces))).testzip() is None


def _pulled_when_first_piece_arrives(response_class: type[StreamingHttpResponse]) -> list[str]:
    """Serve three pieces the ASGI way; which were pulled when the first came out."""
    pulled: list[str] = []

    def pieces() -> Iterator[bytes]:
        for name in ("a", "b", "c"):
            pulled.append(name)
            yield name.encode()

    response = response_class(pieces())

    async def first() -> tuple[bytes, list[str]]:
        stream = aiter(response)
        piece = await anext(stream)
        seen = list(pulled)
        rest = [p async for p in stream]
        assert [piece, *rest] == [b"a", b"b", b"c"]
        return piece, seen

    return asyncio.run(first())[1]


@pytest.mark.parametrize("response_class", [StreamedResponse, StreamedFileResponse])
def test_it_sends_the_first_piece_before_pulling_the_rest_under_asgi(
    response_class: type[StreamingHttpResponse],
) -> None:
    # A multi-GB file or ZIP stays out of memory only if pieces leave as they are made.
    assert _pulled_when_first_piece_arrives(response_class) == ["a"]


@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
def test_plain_django_would_read_the_whole_iterator_first() -> None:
    # Why StreamedResponse exists; if this fails, Django streams by itself and it can go.
    assert _pulled_when_first_piece_arrives(StreamingHttpResponse) == ["a", "b", "c"]


def test_it_404s_for_bob_on_alices_files(client: Any, bob: Any, done_job: Job) -> None:
    client.force_login(bob)

    assert client.get(f"/jobs/{done_job.id}/files/patients.json").status_code == 404
    assert client.get(f"/jobs/{done_job.id}/download.zip").status_code == 404


def test_it_redirects_anonymous_downloads_to_login(client: Any, done_job: Job) -> None:
    for url in (f"/jobs/{done_job.id}/files/patients.json", f"/jobs/{done_job.id}/download.zip"):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_it_lets_staff_download_any_job(client: Any, staff: Any, done_job: Job) -> None:
    client.force_login(staff)

    assert client.get(f"/jobs/{done_job.id}/files/patients.csv").status_code == 200


def test_it_404s_for_unknown_files_and_unfinished_jobs(
    alice_client: Any, done_job: Job, make_job: Any
) -> None:
    queued = make_job()

    assert alice_client.get(f"/jobs/{done_job.id}/files/../../settings.py").status_code == 404
    assert alice_client.get(f"/jobs/{done_job.id}/files/nope.json").status_code == 404
    assert alice_client.get(f"/jobs/{queued.id}/download.zip").status_code == 404


def test_it_serves_jobs_made_before_a_restart(alice_client: Any, done_job: Job) -> None:
    # A new process knows only the database and storage: nothing kept in memory matters.
    fresh = Job.objects.get(pk=done_job.pk)

    response = alice_client.get(f"/jobs/{fresh.id}/files/manifest.json")

    assert response.status_code == 200
