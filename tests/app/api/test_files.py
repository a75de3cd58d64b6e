"""GET /jobs/{id}/files, each file (whole or a byte range) and the ZIP."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage

from jobs.runs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_job(completed_job: Any) -> Job:
    return completed_job(("json", "csv"))


def _stored(job: Job, name: str) -> bytes:
    with default_storage.open(job.outputs.get(name=name).file.name, "rb") as handle:
        return handle.read()


def test_it_lists_files_with_size_and_sha256(api: Any, done_job: Job) -> None:
    listed = api.get(f"/jobs/{done_job.id}/files").json()

    assert [f["name"] for f in listed] == [o.name for o in done_job.outputs.all()]
    for item in listed:
        data = _stored(done_job, item["name"])
        assert item["size"] == len(data)
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        assert item["url"] == f"/api/v1/jobs/{done_job.id}/files/{item['name']}"


def test_it_downloads_a_whole_file(api: Any, done_job: Job) -> None:
    response = api.get(f"/jobs/{done_job.id}/files/patients.csv")

    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{done_job.outputs.get(name="patients.csv").sha256}"'
    assert response["Content-Disposition"] == 'attachment; filename="patients.csv"'
    assert b"".join(response.streaming_content) == _stored(done_job, "patients.csv")


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None)],
)
def test_it_sends_a_byte_range(
    api: Any, done_job: Job, header: str, first: int, last: int | None
) -> None:
    data = _stored(done_job, "patients.json")

    response = api.get(f"/jobs/{done_job.id}/files/patients.json", headers={"Range": header})

    expected = data[first : None if last is None else last + 1]
    start = first % len(data)
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == expected
    assert response["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(data)}"
    assert response["Content-Length"] == str(len(expected))


def test_it_resumes_only_the_same_file(api: Any, done_job: Job) -> None:
    url = f"/jobs/{done_job.id}/files/patients.json"
    etag = api.get(url)["ETag"]

    same = api.get(url, headers={"Range": "bytes=10-", "If-Range": etag})
    other = api.get(url, headers={"Range": "bytes=10-", "If-Range": '"something-else"'})

    assert same.status_code == 206
    assert other.status_code == 200  # the client's copy is stale: the whole file again


def test_it_416s_for_a_range_outside_the_file(api: Any, done_job: Job) -> None:
    size = done_job.outputs.get(name="patients.csv").size

    response = api.get(
        f"/jobs/{done_job.id}/files/patients.csv", headers={"Range": f"bytes={size}-"}
    )

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_it_sends_the_whole_file_for_ranges_it_does_not_serve(api: Any, done_job: Job) -> None:
    for header in ("bytes=0-1,5-6", "items=0-1", "bytes=9-3"):
        response = api.get(f"/jobs/{done_job.id}/files/patients.csv", headers={"Range": header})
        assert response.status_code == 200, header


def test_it_streams_the_zip(api: Any, done_job: Job) -> None:
    response = api.get(f"/jobs/{done_job.id}/download.zip")

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read(f"medgen-{done_job.id}/patients.csv") == _stored(done_job, "patients.csv")


def test_the_page_serves_ranges_too(alice_client: Any, done_job: Job) -> None:
    response = alice_client.get(
        f"/jobs/{done_job.id}/files/patients.csv", headers={"Range": "bytes=0-9"}
    )

    assert response.status_code == 206
    assert b"".join(response.streaming_content) == _stored(done_job, "patients.csv")[:10]


def test_it_404s_for_unknown_files_and_unfinished_jobs(
    api: Any, done_job: Job, make_job: Any
) -> None:
    queued = make_job()

    assert api.get(f"/jobs/{done_job.id}/files/nope.json").status_code == 404
    assert api.get(f"/jobs/{done_job.id}/files/..%2Fmanifest.json").status_code == 404
    assert api.get(f"/jobs/{queued.id}/download.zip").status_code == 404
    assert api.get(f"/jobs/{queued.id}/files").json() == []


@pytest.mark.parametrize("suffix", ["/files", "/files/patients.csv", "/download.zip"])
def test_it_404s_for_bob_and_401s_without_a_token(
    api: Any, done_job: Job, bob_token: str, suffix: str
) -> None:
    assert api.get(f"/jobs/{done_job.id}{suffix}", token=bob_token).status_code == 404
    assert api.get(f"/jobs/{done_job.id}{suffix}", token=None).status_code == 401


# -- HEAD: the headers a GET would send, no body -----------------------------------------


def test_head_gives_a_files_headers_without_the_file(api: Any, done_job: Job) -> None:
    url = f"/jobs/{done_job.id}/files/patients.csv"
    whole = api.get(url)

    head = api.call("head", url)

    assert head.status_code == 200 and head.content == b""
    for header in ("Content-Type", "Content-Length", "Content-Disposition", "ETag"):
        assert head[header] == whole[header], header
    assert head["Content-Length"] == str(len(_stored(done_job, "patients.csv")))
    assert head["Accept-Ranges"] == "bytes"


def test_head_answers_a_range_as_get_would(api: Any, done_job: Job) -> None:
    url = f"/jobs/{done_job.id}/files/patients.json"
    size = done_job.outputs.get(name="patients.json").size

    part = api.call("head", url, headers={"Range": "bytes=100-"})
    outside = api.call("head", url, headers={"Range": f"bytes={size}-"})

    assert part.status_code == 206 and part.content == b""
    assert part["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert part["Content-Length"] == str(size - 100)
    assert outside.status_code == 416 and outside["Content-Range"] == f"bytes */{size}"


def test_head_on_the_zip_says_it_is_there_without_making_it(
    api: Any, done_job: Job, make_job: Any
) -> None:
    head = api.call("head", f"/jobs/{done_job.id}/download.zip")

    assert head.status_code == 200 and head["Content-Type"] == "application/zip"
    assert head["Content-Disposition"] == f'attachment; filename="medgen-{done_job.id}.zip"'
    assert b"".join(head.streaming_content) == b""
    assert api.call("head", f"/jobs/{make_job().id}/download.zip").status_code == 404


# -- files gone from storage: 410, as the pages answer -------------------------------------


def _remove(job: Job, name: str) -> str:
    stored = str(job.outputs.get(name=name).file.name)
    default_storage.delete(stored)
    return stored


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("download", ["files/patients.csv", "download.zip"])
def test_a_file_gone_from_storage_is_410_naming_it_without_its_path(
    api: Any, done_job: Job, settings: Any, method: str, download: str
) -> None:
    stored = _remove(done_job, "patients.csv")

    response = api.call(method, f"/jobs/{done_job.id}/{download}")

    assert response.status_code == 410
    assert not response.streaming  # the ZIP is refused before it starts
    if method == "get":
        detail = response.json()["detail"]
        assert detail.startswith("patients.csv of job") and "patients.json" not in detail
        assert "no longer on the server" in detail and "run the job again" in detail
        assert str(settings.MEDIA_ROOT) not in detail and stored not in detail
    # The other file is still served.
    assert api.call(method, f"/jobs/{done_job.id}/files/patients.json").status_code == 200
