"""The whole path in a real browser: log in, fill from a preset, generate, watch, download."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in, open_page

pytestmark = pytest.mark.browser

PATIENTS = 240
# The job page's bar: `#progress` (aria-valuenow) or the `<progress id="job-progress">`.
PERCENT_JS = """() => {
  const bar = document.querySelector("#progress, #job-progress");
  if (!bar) return -1;
  const now = bar.getAttribute("aria-valuenow");
  return Number(now !== null ? now : bar.value);
}"""


def test_it_generates_a_preset_job_live_and_downloads_the_zip(
    live: Any, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(accept_downloads=True)
    page, errors = open_page(context, timeout_ms=20_000)

    # 1. Log in; the login page sends us on to the form.
    page.goto(f"{live.url}/jobs/new/")
    assert "/accounts/login/" in page.url
    log_in(page, live)

    # 2. Fill the form from a preset (instantly, no reload), then change the size.
    page.evaluate("window.__sameForm = true")
    page.select_option("#preset-select", "mascal-drill")
    page.click("#preset-load")
    assert page.evaluate("window.__sameForm") is True
    assert page.input_value("#id_total_patients") == "300"
    assert page.input_value("[name=fronts-0-name]") == "Training Area"
    assert page.input_value("[name=fronts-0-area]") == "52.8, 9.95, 8"
    page.fill("#id_total_patients", str(PATIENTS))
    page.check("input[name=output_formats][value=ndjson]")

    # 3. Submit: the job page shows the job queued (no worker is running yet).
    page.click("#generate")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    assert page.evaluate(PERCENT_JS) < 100
    page.evaluate("window.__sameJobPage = true")

    # 4. A real worker takes the job; the bar reaches 100 % without a reload.
    live.start_worker()
    # Polled from here: wait_for_function evaluates a string in the page, which the
    # Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    deadline = time.monotonic() + 60
    while page.evaluate(PERCENT_JS) < 100 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert page.evaluate(PERCENT_JS) >= 100
    assert page.evaluate("window.__sameJobPage") is True

    # 5. The ZIP holds the requested number of patients in every format.
    with page.expect_download() as download:
        page.click("a#download-zip")
    archive = tmp_path / "job.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as files:
        by_name = {Path(name).name: name for name in files.namelist()}

        def read(name: str) -> str:
            return files.read(by_name[name]).decode("utf-8-sig")

        assert {"patients.json", "patients.csv", "patients.ndjson"} <= set(by_name)
        assert len(json.loads(read("patients.json"))) == PATIENTS
        assert len([line for line in read("patients.ndjson").splitlines() if line]) == PATIENTS
        assert len(list(csv.DictReader(io.StringIO(read("patients.csv"))))) == PATIENTS
    assert errors == []
    context.close()
