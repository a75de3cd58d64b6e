"""The "Capacity of care" section in a real browser: collapsed, filled by a preset at once
and emptied by one without capacity. A screenshot goes to test-output/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import SHOTS, log_in, open_page

pytestmark = pytest.mark.browser


def test_presets_fill_and_clear_the_capacity_section(live: Any, browser: Any) -> None:
    page, errors = open_page(browser, timeout_ms=20_000, viewport={"width": 1280, "height": 900})
    log_in(page, live)
    section = page.locator("#settings-capacity")
    assert section.get_attribute("open") is None

    page.select_option("#preset-select", "mascal-drill")
    page.click("#preset-load")
    assert page.input_value("[name=capacity_beds_r2]") == "30"
    assert page.input_value("[name=lift_r1_r2_air_vehicles]") == "2"
    assert page.is_checked("[name=lift_r1_r2_air_precedences][value=urgent]")
    assert not page.is_checked("[name=lift_r1_r2_air_precedences][value=routine]")

    page.locator("#settings-capacity > summary").click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SHOTS / "capacity-form.png"))

    page.select_option("#preset-select", "battalion-exercise")
    page.click("#preset-load")
    assert page.input_value("[name=capacity_beds_r2]") == ""
    assert page.input_value("[name=lift_r1_r2_air_vehicles]") == ""
    assert errors == []
    page.close()
