"""The encrypted ZIP: AES-256 WinZip AE-2, with a password that is never kept anywhere."""

from __future__ import annotations

import io
import logging
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.core.files.storage import default_storage
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.views.debug import ExceptionReporter

from jobs.infra import storage
from jobs.models import Job

pytestmark = pytest.mark.django_db

PASSWORD = "Sesame-h5-Tq9#wV"
AES_METHOD = 99
AES_EXTRA = 0x9901


@pytest.fixture
def done_job(completed_job: Any) -> Job:
    return completed_job(("json", "csv", "ndjson"))


def _post(client: Any, job: Job, password: str = PASSWORD, confirm: str | None = None) -> Any:
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return client.post(f"/jobs/{job.id}/download-aes.zip", data)


def _archive(response: Any) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _stored(job: Job, name: str) -> bytes:
    with default_storage.open(job.outputs.get(name=name).file.name, "rb") as handle:
        return handle.read()


def _aes_extra(extra: bytes) -> tuple[int, bytes, int, int]:
    """(vendor version, vendor id, strength, real method) of the 0x9901 extra block."""
    while extra:
        kind, size = struct.unpack("<HH", extra[:4])
        if kind == AES_EXTRA:
            return struct.unpack("<H2sBH", extra[4 : 4 + size])  # type: ignore[return-value]
        extra = extra[4 + size :]
    raise AssertionError("no AES extra field")


def test_it_round_trips_with_the_password(alice_client: Any, done_job: Job) -> None:
    response = _post(alice_client, done_job)

    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    disposition = f'attachment; filename="medgen-{done_job.id}-aes256.zip"'
    assert response["Content-Disposition"] == disposition
    with pyzipper.AESZipFile(io.BytesIO(_archive(response))) as archive:
        archive.setpassword(PASSWORD.encode())
        names = {o.name for o in done_job.outputs.all()}
        assert {n.split("/", 1)[1] for n in archive.namelist()} == names
        for name in names:
            assert archive.read(f"medgen-{done_job.id}/{name}") == _stored(done_job, name)


def test_it_fails_without_the_right_password(alice_client: Any, done_job: Job) -> None:
    body = _archive(_post(alice_client, done_job))
    member = f"medgen-{done_job.id}/manifest.json"

    with pyzipper.AESZipFile(io.BytesIO(body)) as archive:
        with pytest.raises(RuntimeError, match="requires a password"):
            archive.read(member)
        with pytest.raises(RuntimeError, match="Bad password"):
            archive.read(member, pwd=b"not-the-password")
    with zipfile.ZipFile(io.BytesIO(body)) as plain, pytest.raises(NotImplementedError):
        plain.read(member, pwd=PASSWORD.encode())
    assert b'"exercise"' not in body


def test_it_writes_aes_256_ae_2_entries(alice_client: Any, done_job: Job) -> None:
    body = _archive(_post(alice_client, done_job))

    infos = zipfile.ZipFile(io.BytesIO(body)).infolist()
    assert len(infos) == done_job.outputs.count()
    for info in infos:
        assert info.compress_type == AES_METHOD
        assert info.flag_bits & 0x1  # encrypted
        assert info.CRC == 0  # AE-2: no CRC of the plain text
        assert _aes_extra(info.extra) == (2, b"AE", 3, zipfile.ZIP_DEFLATED)
        local = body[info.header_offset : info.header_offset + 30]
        signature, method, name_length, extra_length = struct.unpack("<I4xH16xHH", local)
        assert (signature, method) == (0x04034B50, AES_METHOD)
        start = info.header_offset + 30 + name_length
        assert _aes_extra(body[start : start + extra_length])[0] == 2


@pytest.mark.skipif(not shutil.which("7zz"), reason="7-Zip (7zz) is not installed")
def test_it_opens_in_7_zip(alice_client: Any, done_job: Job, tmp_path: Path) -> None:
    path = tmp_path / "archive.zip"
    path.write_bytes(_archive(_post(alice_client, done_job)))

    good = subprocess.run(["7zz", "t", f"-p{PASSWORD}", str(path)], capture_output=True)
    bad = subprocess.run(["7zz", "t", "-pwrong-password", str(path)], capture_output=True)

    assert good.returncode == 0, good.stdout.decode()
    assert bad.returncode != 0


def test_it_streams_piece_by_piece(alice_client: Any, done_job: Job, monkeypatch: Any) -> None:
    monkeypatch.setattr(storage, "ZIP_PIECE", 4096)

    pieces = [p for p in _post(alice_client, done_job).streaming_content if p]

    assert len(pieces) > 10
    assert max(len(p) for p in pieces) < 64 * 1024


def test_it_asks_again_for_a_short_or_mistyped_password(alice_client: Any, done_job: Job) -> None:
    short = _post(alice_client, done_job, "Zq7!x#p")
    mistyped = _post(alice_client, done_job, PASSWORD, "Sesame-h5-typo")
    missing = alice_client.post(f"/jobs/{done_job.id}/download-aes.zip", {})

    assert short.status_code == 400
    assert "at least 8 characters" in short.content.decode()
    assert b"Zq7!x#p" not in short.content
    assert mistyped.status_code == 400
    assert "The two passwords differ." in mistyped.content.decode()
    assert PASSWORD.encode() not in mistyped.content
    assert b"Sesame-h5-typo" not in mistyped.content
    assert missing.status_code == 400
    assert "This field is required." in missing.content.decode()


def test_it_keeps_the_password_out_of_the_database_and_logs(
    alice_client: Any, done_job: Job, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)

    _archive(_post(alice_client, done_job))
    _post(alice_client, done_job, PASSWORD, "Sesame-h5-typo")

    assert PASSWORD not in caplog.text
    assert all(PASSWORD not in str(record.__dict__) for record in caplog.records)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            assert PASSWORD not in str(cursor.fetchall()), table
    assert PASSWORD not in str(list(Job.objects.filter(pk=done_job.pk).values()))


def test_it_masks_the_password_in_error_reports(
    alice_client: Any, done_job: Job, monkeypatch: Any
) -> None:
    # What the admins' error e-mail would contain if the archive failed to start.
    reports: list[str] = []

    def report(sender: Any, request: Any, **kwargs: Any) -> None:
        reports.append(ExceptionReporter(request, *sys.exc_info()).get_traceback_text())

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("storage is down")

    monkeypatch.setattr(pyzipper.AESZipFile, "setencryption", broken)
    got_request_exception.connect(report)
    try:
        with pytest.raises(RuntimeError):
            _post(alice_client, done_job)
    finally:
        got_request_exception.disconnect(report)

    assert reports and "storage is down" in reports[0]
    assert "password" in reports[0] and "********************" in reports[0]
    assert PASSWORD not in reports[0]
    assert PASSWORD.encode().hex() not in reports[0]


def test_it_shows_the_form_without_the_password(alice_client: Any, done_job: Job) -> None:
    form = alice_client.get(f"/jobs/{done_job.id}/download-aes.zip")
    job_page = alice_client.get(f"/jobs/{done_job.id}/").content.decode()

    assert form.status_code == 200
    assert 'type="password"' in form.content.decode()
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    assert f'action="/jobs/{done_job.id}/download-aes.zip"' in job_page
    assert 'name="password" type="password" minlength="8"' in job_page


def test_it_needs_the_csrf_token(alice: Any, done_job: Job) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert _post(client, done_job).status_code == 403


def test_it_404s_for_bob(client: Any, bob: Any, done_job: Job) -> None:
    client.force_login(bob)

    assert _post(client, done_job).status_code == 404
    assert client.get(f"/jobs/{done_job.id}/download-aes.zip").status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Any, done_job: Job) -> None:
    response = _post(client, done_job)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_404s_until_the_job_is_done(alice_client: Any, make_job: Any) -> None:
    queued = make_job()

    assert _post(alice_client, queued).status_code == 404
