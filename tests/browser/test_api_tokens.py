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

pytestmark = pytest.mark.browser


def _api_status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            json.load(answer)
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_it_creates_uses_and_revokes_a_token(live: Any, browser: Any, tmp_path: Path) -> None:
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live.url}/tokens/")
    page.fill("input[name=username]", live.username)
    page.fill("input[name=password]", live.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/tokens/"))

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

    page.goto(f"{live.url}/tokens/")
    assert secret not in page.content()  # shown once only
    page.click("#tokens button:has-text('Revoke')")
    page.wait_for_selector("#tokens .status-cancelled")
    assert _api_status(f"{live.url}/api/v1/jobs", secret) == 401
    assert not errors
    page.close()
