"""In a real browser: create an API token, use it from a script, read the reference, revoke it."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in, open_page

pytestmark = pytest.mark.browser


def _api_status(url: str, token: str, method: str = "GET", body: Any = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            json.load(answer)
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_it_creates_uses_and_revokes_a_token(live: Any, browser: Any, tmp_path: Path) -> None:
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    page, errors = open_page(browser, timeout_ms=20_000, viewport={"width": 1280, "height": 900})
    log_in(page, live, "/tokens/")

    page.fill("#id_name", "nightly exercise script")
    page.check("input[name=scope][value=write]")
    page.select_option("#id_expires", "90")
    page.click("#token-form button[type=submit]")
    secret = page.input_value("#token-secret")
    page.screenshot(path=shots / "api-tokens.png", full_page=True)

    assert secret.startswith("mg_")
    assert page.locator("#tokens tbody tr").count() == 1
    assert _api_status(f"{live.url}/api/v1/jobs", secret) == 200

    page.click("text=API reference")
    page.wait_for_url(re.compile(r"/api/$"))
    assert page.locator("section.api-op").count() >= 20
    assert "curl -s -X POST" in page.inner_text("#examples")
    page.screenshot(path=shots / "api-reference.png", full_page=False)
    page.goto(f"{live.url}/api/#create_job")
    page.screenshot(path=shots / "api-reference-create-job.png", full_page=False)

    # The new-job form obeys the same cap on queued + running jobs (3; no worker runs here).
    job = {"preset": "mascal-drill", "formats": ["csv"]}
    assert [_api_status(f"{live.url}/api/v1/jobs", secret, "POST", job) for _ in range(4)] == [
        201, 201, 201, 429,
    ]  # fmt: skip
    page.goto(f"{live.url}/jobs/new/?preset=mascal-drill")
    page.click("#scenario-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert "3 jobs queued or running" in page.inner_text("#error-summary")
    page.screenshot(path=shots / "job-cap-form.png", full_page=False)
    _cancel_all(live.url, secret)  # leave the queue as the other browser test expects it

    page.goto(f"{live.url}/tokens/")
    assert secret not in page.content()  # shown once only
    page.click("#tokens button:has-text('Revoke')")
    page.wait_for_selector("#tokens .status-cancelled")
    assert _api_status(f"{live.url}/api/v1/jobs", secret) == 401
    assert not errors
    page.close()


def _cancel_all(url: str, token: str) -> None:
    request = urllib.request.Request(
        f"{url}/api/v1/jobs?status=queued", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        queued = json.load(answer)["items"]
    for job in queued:
        assert _api_status(f"{url}/api/v1/jobs/{job['id']}/cancel", token, "POST") == 200
