"""Capacity of care on the dashboard: the scenario's limits in the units of the charts
they are drawn on, and nothing for a job without capacity."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

import generation
from jobs.models import Job
from jobs.results.capacity_lines import capacity_lines

CAPACITY = {
    "scope": "theatre",
    "beds": {"R1": 40, "R2": 20},
    "teams": {"R1": 3, "R2": 2, "R3": 3},
    "case_minutes": {"R2": 90, "R3": 160},
    "lift": {
        "POI-R1": {
            "ground": {"vehicles": 5, "patients_per_trip": 4, "turnaround_minutes": 120},
            "air": {"vehicles": 1},  # 6 a trip, 60 min turnaround: care.json defaults
        },
        "R2-R3": {"ground": {"vehicles": 2}},  # not a leg the requests chart counts
    },
}


def scenario(**changes: Any) -> dict[str, Any]:
    return generation.load_preset("battalion-exercise") | changes


def test_the_lines_are_the_scenarios_limits_in_the_charts_units() -> None:
    lines = capacity_lines(scenario(capacity=CAPACITY))

    assert lines is not None
    assert {role: line["value"] for role, line in lines["beds"].items()} == {"R1": 40, "R2": 20}
    assert lines["beds"]["R2"]["label"] == "R2 beds 20"
    # teams x 1440 / case minutes; the Role 1 treatment teams do no surgery
    assert lines["surgery_per_day"] == {
        "R2": {"value": 32.0, "label": "R2 surgical capacity 32/day"},
        "R3": {"value": 27.0, "label": "R3 surgical capacity 27/day"},
    }
    # 5 x 4 x 60/120 + 1 x 6 x 60/60 = 16 patients an hour; the air ambulance carries only
    # the urgent (care.json's default), so the label says so
    assert lines["lift_per_hour"] == {
        "POI-R1": {
            "value": 16.0,
            "label": "POI→R1 lift 16 patients/h (air 6 for urgent, urgent surgical only)",
        }
    }
    # R2-R3 is a move no chart counts requests for: 2 x 4 a trip x 60/180 min
    assert lines["lift_further_back"] == ["R2→R3 lift 2.7 patients/h"]


def test_a_lift_for_every_precedence_is_not_qualified() -> None:
    air = {"vehicles": 2, "precedences": ["urgent", "urgent_surgical", "priority", "routine"]}
    lines = capacity_lines(scenario(capacity={"lift": {"R1-R2": {"air": air}}}))

    assert lines is not None
    # 2 x 6 a trip x 60/75 min
    assert lines["lift_per_hour"]["R1-R2"]["label"] == "R1→R2 lift 9.6 patients/h"
    assert lines["lift_further_back"] == []


def test_capacity_per_front_is_summed_over_the_fronts() -> None:
    fronts = [
        {"name": "North", "share": 0.5, "nationalities": {"USA": 1}},
        {"name": "South", "share": 0.5, "nationalities": {"USA": 1}},
    ]
    lines = capacity_lines(scenario(fronts=fronts, capacity=CAPACITY | {"scope": "front"}))

    assert lines is not None
    assert lines["beds"]["R1"] == {"value": 80, "label": "R1 beds 80 (2 fronts)"}
    assert lines["lift_per_hour"]["POI-R1"]["value"] == 32.0


@pytest.mark.parametrize("capacity", [None, "unlimited", {"case_minutes": {"R2": 60}}])
def test_no_lines_without_a_limit(capacity: Any) -> None:
    document = scenario() if capacity is None else scenario(capacity=capacity)
    assert capacity_lines(document) is None


@pytest.mark.django_db
def test_the_figures_carry_the_lines_only_for_a_job_with_capacity(
    alice_client: Client, completed_job: Any
) -> None:
    limited: Job = completed_job(("csv",), total_patients=120, capacity=CAPACITY)
    unlimited: Job = completed_job(("csv",), total_patients=120)

    data = alice_client.get(f"/jobs/{limited.id}/figures.json").json()
    assert data["capacity"] == capacity_lines(limited.scenario)
    assert data["capacity"]["beds"]["R1"]["value"] == 40
    assert alice_client.get(f"/jobs/{unlimited.id}/figures.json").json()["capacity"] is None
    page = alice_client.get(f"/jobs/{limited.id}/").content.decode()
    assert "Dashed lines: cases a day the scenario's surgical teams can do" in page
    assert "Lift further back, for moves this chart does not count: R2→R3 lift 2.7" in page
    assert "Dashed lines" not in alice_client.get(f"/jobs/{unlimited.id}/").content.decode()
