"""A job with capacity of care in a real browser: its dashboard draws the beds, surgical
capacity and lift as labelled lines, and the charts still add up to the job.
Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.conftest import SHOTS, log_in, open_page, wait_until

pytestmark = pytest.mark.browser

# Per chart: the names of its series, from ECharts itself.
SERIES = """name => echarts.getInstanceByDom(document.querySelector(`[data-chart="${name}"]`))
  .getOption().series.map(s => s.name)"""


def test_capacity_lines_on_the_dashboard(live: Any, browser: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, errors = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live)
    page.select_option("#preset-select", "role2-overwhelmed")
    page.click("#preset-load")
    page.fill("#id_total_patients", "400")
    page.click("#generate")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    live.start_worker()
    page.wait_for_selector("[data-dashboard][data-ready=true]", timeout=120_000)

    assert "R2 surgical capacity 12/day" in page.evaluate(SERIES, "surgery")
    lift = "POI→R1 lift 27.3 patients/h (air 6 for urgent, urgent surgical only)"
    assert lift in page.evaluate(SERIES, "evacuation")
    help_text = page.text_content("#chart-evacuation .chart-help") or ""
    assert (
        "Lift further back, for moves this chart does not count: R2→R3 lift 7 patients/h"
        in help_text
    )
    assert not any("beds" in name for name in page.evaluate(SERIES, "load"))  # arrivals view
    page.select_option("[data-view=loadShow]", "present")
    wait_until(page, "() => echarts.getInstanceByDom(document.querySelector('[data-chart=load]'))"
                     ".getOption().series.some(s => s.name === 'R2 beds 20')")  # fmt: skip
    time.sleep(2)  # ECharts draws its lines left to right: let it finish for the screenshots
    for chart in ("load", "evacuation", "surgery"):
        page.locator(f"#chart-{chart}").screenshot(path=str(SHOTS / f"capacity-{chart}.png"))
    assert errors == []
    page.close()
