"""Default outcome rates land inside CALIBRATION.md's accepted ranges (S5, S6),
each computed with the denominator its definition uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest


def minutes(a: str, b: str) -> float:
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(b) - parse(a)).total_seconds() / 60


@pytest.fixture(scope="module")
def battle(default_run: list[dict[str, Any]]) -> dict[str, Any]:
    hit = [r for r in default_run if r["category"] == "battle_injury"]
    kia = [r for r in hit if r["outcome"] == "KIA"]
    wia = [r for r in hit if r["outcome"] != "KIA"]
    return {
        "hit": hit,
        "kia": kia,
        "wia": wia,
        "dow": [r for r in wia if r["outcome"] == "DOW"],
        "rtd": [r for r in wia if r["outcome"] == "RTD"],
        "evacuated": [r for r in wia if r["outcome"] == "EVACUATED"],
    }


def test_kia_share_of_battle_casualties(battle: dict[str, Any]) -> None:
    assert 0.08 <= len(battle["kia"]) / len(battle["hit"]) <= 0.30


def test_percent_dow_among_the_seriously_injured(battle: dict[str, Any]) -> None:
    seriously_injured = len(battle["wia"]) - len(battle["rtd"])
    assert 0.01 <= len(battle["dow"]) / seriously_injured <= 0.07


def test_case_fatality_rate(battle: dict[str, Any]) -> None:
    assert 0.08 <= (len(battle["kia"]) + len(battle["dow"])) / len(battle["hit"]) <= 0.30


def test_share_of_battle_deaths_before_a_facility(battle: dict[str, Any]) -> None:
    assert 0.74 <= len(battle["kia"]) / (len(battle["kia"]) + len(battle["dow"])) <= 0.92


def test_wounded_returned_to_duty_and_evacuated(battle: dict[str, Any]) -> None:
    assert 0.15 <= len(battle["rtd"]) / len(battle["wia"]) <= 0.70
    assert 0.15 <= len(battle["evacuated"]) / len(battle["wia"]) <= 0.60


def test_returned_to_duty_within_72_hours_from_role_1_or_2(battle: dict[str, Any]) -> None:
    quick = [
        r
        for r in battle["rtd"]
        if r["outcome_facility"] in ("R1", "R2")
        and minutes(r["injury_time"], r["outcome_time"]) <= 72 * 60
    ]
    assert 0.10 <= len(quick) / len(battle["wia"]) <= 0.45


def test_kia_time_of_death_profile(battle: dict[str, Any]) -> None:
    delays = [minutes(r["injury_time"], r["outcome_time"]) for r in battle["kia"]]
    for limit, expected in ((10, 0.68), (60, 0.91), (120, 0.99)):
        share = sum(d <= limit for d in delays) / len(delays)
        assert abs(share - expected) <= 0.10, limit


def test_urgent_casualties_reach_care_in_time(default_run: list[dict[str, Any]]) -> None:
    first = sorted(
        minutes(r["injury_time"], r["timeline"][1]["time"])
        for r in default_run
        if r["precedence"] in ("urgent", "urgent_surgical")
    )
    median = first[len(first) // 2]
    assert 30 <= median <= 100
    assert sum(m <= 120 for m in first) / len(first) >= 0.90
