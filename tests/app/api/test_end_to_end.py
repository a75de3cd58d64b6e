"""Through the API only, against a live server and a real `manage.py rqworker` process:
start a job, follow its status to completion, download a file in two resumed pieces."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _call(url: str, token: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {token}"})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    return urllib.request.urlopen(request, timeout=30)


def test_a_script_runs_a_job_and_resumes_a_download(
    live_server: Any, alice_token: str, start_worker: Any
) -> None:
    api = f"{live_server.url}/api/v1"
    body = {"preset": "mascal-drill", "total_patients": 150, "formats": ["json", "csv"], "seed": 5}
    with _call(f"{api}/jobs", alice_token, body) as created:
        assert created.status == 201
        job_id = json.load(created)["id"]

    worker = start_worker(burst=True)
    state = _follow(f"{api}/jobs/{job_id}/status", alice_token, seconds=120)
    assert worker.wait(60) == 0

    assert (state["status"], state["done"], state["percent"]) == ("completed", 150, 100.0)
    with _call(f"{api}/jobs/{job_id}/files", alice_token) as listed:
        files = {item["name"]: item for item in json.load(listed)}
    wanted = files["patients.json"]
    half = wanted["size"] // 2
    with _call(
        f"{live_server.url}{wanted['url']}", alice_token, headers={"Range": f"bytes=0-{half - 1}"}
    ) as first:
        assert first.status == 206
        head, etag = first.read(), first.headers["ETag"]
    resume = {"Range": f"bytes={len(head)}-", "If-Range": etag}
    with _call(f"{live_server.url}{wanted['url']}", alice_token, headers=resume) as rest:
        assert rest.status == 206
        assert (
            rest.headers["Content-Range"] == f"bytes {half}-{wanted['size'] - 1}/{wanted['size']}"
        )
        tail = rest.read()
    assert hashlib.sha256(head + tail).hexdigest() == wanted["sha256"]
    assert len(json.loads(head + tail)) == 150  # a JSON array of the patients


def _follow(url: str, token: str, seconds: float) -> dict[str, Any]:
    """Poll the status as a script would until the job finishes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with _call(url, token) as answer:
            state: dict[str, Any] = json.load(answer)
        if state["finished"]:
            return state
        time.sleep(0.3)
    raise AssertionError(f"the job did not finish within {seconds} s: {state}")
