"""A completed job's results in a real browser: the dashboard's charts add up to the
manifest, playback scrubbed to a moment shows the census the records give, a card, the
MSEL as XLSX in time order, and the planning report. Screenshots of each page go to
test-output/screenshots/ for people to look at."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from generation.figures.from_records import TimeReader
from tests.browser.conftest import SHOTS, log_in, open_page, wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = 600
MINUTE = 3 * 24 * 60 + 7 * 60  # day 4, 07:00 after the start
# Per chart: drawn (data-rendered), the total it was drawn with, its canvas or svg.
CHART_TOTALS = """els => Object.fromEntries(els.map(e => [e.dataset.chart, [
  e.dataset.rendered, Number(e.dataset.total), e.querySelectorAll("canvas, svg").length]]))"""


def place_at(record: dict[str, Any], second: int, reader: TimeReader) -> str | None:
    if (
        reader.seconds(record["injury_time"]) > second
        or reader.seconds(record["outcome_time"]) <= second
    ):
        return None
    last = [e for e in record["timeline"] if reader.seconds(e["time"]) <= second][-1]
    return {"injury": "POI", "arrival": last["facility"]}.get(last["event"], "transit")


def test_dashboard_playback_msel_and_report(live: Any, browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page, errors = open_page(context)
    log_in(page, live)

    # A three-front, eight-day job with clinical detail, run by a real worker.
    page.select_option("#preset-select", "battalion-exercise")
    page.click("#preset-load")
    page.fill("#id_total_patients", str(PATIENTS))
    page.check("input[name=output_formats][value=ndjson]")
    page.click("#generate")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    job_url = page.url
    live.start_worker()

    # 1. The dashboard appears on the job page when the job completes, every chart drawn.
    page.wait_for_selector("[data-dashboard][data-ready=true]", timeout=90_000)
    with page.expect_download() as download:
        page.click("a#download-zip")
    archive = tmp_path / "job.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as files:
        named = {Path(n).name: n for n in files.namelist()}
        manifest = json.loads(files.read(named["manifest.json"]))
        summary = json.loads(files.read(named["summary.json"]))
        records = [json.loads(line) for line in files.read(named["patients.ndjson"]).splitlines()]
    counts = manifest["counts"]
    assert summary["counts"] == counts and counts["total"] == PATIENTS
    totals = page.eval_on_selector_all("[data-chart]", CHART_TOTALS)
    assert set(totals) == {
        "casualties", "flow", "load", "evacuation", "surgery", "care-times",
        "body-sites", "conditions", "mechanisms", "triage", "nationality",
    }  # fmt: skip
    for name, (rendered, _, drawn) in totals.items():
        assert rendered == "true" and drawn > 0, name
    for name in ("casualties", "flow", "mechanisms", "triage", "nationality"):
        assert totals[name][1] == counts["total"], name
    load = summary["load"]
    assert totals["load"][1] == sum(sum(v) for v in load["arrivals_hourly"].values())
    assert totals["evacuation"][1] == sum(sum(v) for v in load["evac_requests_hourly"].values())
    assert totals["surgery"][1] == sum(sum(v) for v in load["surgical_cases_daily"].values()) > 0
    care = summary["care_times"]
    assert totals["care-times"][1] == sum(
        care[k]["casualties"] for k in ("first_aid", "first_care", "surgery")
    )
    assert totals["body-sites"][1] > 0 and totals["conditions"][1] > 0
    # Stacked by triage, the bars still add up to every casualty.
    page.select_option("[data-view=casualtiesBy]", "by_triage")
    wait_until(
        page,
        f"() => document.querySelector('[data-chart=casualties]').dataset.total == '{PATIENTS}'",
    )
    page.select_option("[data-view=casualtiesBy]", "by_category")
    # Numbers one click away.
    page.click("#chart-flow details summary")
    assert page.is_visible("#chart-flow table.numbers")
    page.click("#chart-flow details summary")
    assert page.locator("[data-rate]").count() >= 6
    page.locator("#dashboard").screenshot(path=str(SHOTS / "dashboard.png"))

    # 2. Playback, scrubbed to a moment: the census per place equals the records'.
    page.goto(job_url + "playback/")
    page.wait_for_selector("#playback[data-minute='0']")
    page.evaluate(
        "m => { const s = document.getElementById('scrubber'); s.value = m;"
        " s.dispatchEvent(new Event('input')); }",
        MINUTE,
    )
    page.wait_for_selector(f"#playback[data-minute='{MINUTE}']")
    reader = TimeReader(datetime.fromisoformat(manifest["scenario"]["start"]))
    expected: dict[str, int] = {}
    for record in records:
        place = place_at(record, MINUTE * 60, reader)
        if place:
            expected[place] = expected.get(place, 0) + 1
    shown = page.eval_on_selector_all(
        "#board td[data-front='All fronts']",
        "tds => Object.fromEntries(tds.map(td =>"
        " [td.dataset.place, td.querySelector('.present').textContent]))",
    )
    for place in ("POI", "transit", "R1", "R2", "R3"):
        assert int(shown[place]) == expected.get(place, 0), place
    assert int(page.get_attribute("#playback", "data-present") or 0) == sum(expected.values()) > 0
    first = page.locator("#casualties button").first
    chosen = first.get_attribute("data-id")
    first.click()
    page.wait_for_selector(f"#card[data-id='{chosen}']")
    assert "Vital signs so far" in page.inner_text("#card")
    page.screenshot(path=str(SHOTS / "playback.png"), full_page=True)
    page.click("#play")
    wait_until(page, f"() => Number(document.getElementById('playback').dataset.minute) > {MINUTE}")
    page.click("#play")

    # 3. The MSEL as XLSX: one row per casualty inject, in time order.
    page.goto(job_url)
    with page.expect_download() as download:
        page.click("text=XLSX")
    book = openpyxl.load_workbook(
        io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True
    )
    rows = list(book["MSEL"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Serial", "DTG", "Time (scenario zone)")
    body = rows[1:]
    assert len(body) == PATIENTS
    assert [r[0] for r in body] == list(range(1, PATIENTS + 1))
    times = [r[2] for r in body]
    assert times == sorted(times) and all(re.fullmatch(r"\d{6}[A-Z]{4}\d{2}", r[1]) for r in body)
    assert {r[5] for r in body} == {r["id"] for r in records}

    # 4. The planning report: charts, peaks, rates, print styles.
    page.goto(job_url + "report/")
    page.wait_for_selector("[data-dashboard][data-ready=true]")
    assert page.locator("#peaks tbody tr").count() == 4
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.is_visible(".site-header")
    page.screenshot(path=str(SHOTS / "report-print.png"), full_page=True)
    page.pdf(path=str(SHOTS / "report.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")
    assert errors == []
    context.close()
