"""Capacity of care as lines on the dashboard's charts (issue 11).

The job's scenario says how much care there was; these are the same numbers in the units
of the charts they are drawn on: beds against patients present, surgical cases a day the
surgical teams can do against surgical cases per day, and patients an hour the lift can
move against evacuation requests per hour. With `scope` "front" every front has its own
of these sizes, and the charts are theatre-wide: the lines are the sum over the fronts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import generation
from generation.scenario import PRECEDENCES, Capacity, Lift

MINUTES_A_DAY = 24 * 60
ROLE_NAMES = {"R1": "Role 1", "R2": "Role 2", "R3": "Role 3"}
# The evacuation requests chart counts moves out of the point of injury and Role 1.
REQUEST_LEGS = ("POI-R1", "R1-R2")


def capacity_lines(scenario: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """{"beds": {role: line}, "surgery_per_day": {role: line}, "lift_per_hour": {leg: line},
    "lift_further_back": [label]} with line = {"value", "label"}; None for a scenario
    without capacity."""
    parsed = _parsed_capacity(scenario)
    if parsed is None:
        return None
    capacity, fronts = parsed
    return {
        "beds": _beds(capacity, fronts),
        "surgery_per_day": _surgery(capacity, fronts),
        "lift_per_hour": _lift(capacity, fronts),
        "lift_further_back": _lift_further_back(capacity, fronts),
    }


def _parsed_capacity(scenario: Mapping[str, Any] | None) -> tuple[Capacity, int] | None:
    """The scenario's capacity and how many fronts each size counts for (summed over the
    fronts with scope "front"); None without capacity."""
    if not scenario:
        return None
    try:
        parsed = generation.parse_scenario(dict(scenario))
    except generation.ScenarioError:
        return None  # a job's scenario was valid when it ran; an older engine's may not be
    capacity = parsed.capacity
    if capacity is None:
        return None
    return capacity, len(parsed.fronts) if capacity.scope == "front" else 1


def _times(fronts: int) -> str:
    return f" ({fronts} fronts)" if fronts > 1 else ""


def _beds(capacity: Capacity, fronts: int) -> dict[str, dict[str, Any]]:
    return {
        role: {"value": beds * fronts, "label": f"{role} beds {beds * fronts}{_times(fronts)}"}
        for role, beds in capacity.beds
    }


def _surgery(capacity: Capacity, fronts: int) -> dict[str, dict[str, Any]]:
    """Surgical teams x cases one team can do in a day (24 h / case minutes)."""
    minutes = dict(capacity.case_minutes)
    lines = {}
    for role, teams in capacity.teams:
        if role == "R1":
            continue  # treatment teams, not surgery
        per_day = round(teams * fronts * MINUTES_A_DAY / minutes[role], 1)
        lines[role] = {
            "value": per_day,
            "label": f"{role} surgical capacity {_number(per_day)}/day{_times(fronts)}",
        }
    return lines


def _lift(capacity: Capacity, fronts: int) -> dict[str, dict[str, Any]]:
    """Vehicles x patients a trip x trips an hour (60 / turnaround), over all modes, for
    the legs the requests chart counts. A mode that carries only some precedences (air:
    urgent and urgent surgical by default) is named in the label with its share, so the
    line is not read as lift for every request."""
    return {
        leg: _lift_line(leg, modes, fronts) for leg, modes in capacity.lift if leg in REQUEST_LEGS
    }


def _lift_further_back(capacity: Capacity, fronts: int) -> list[str]:
    """Labels of the lift on legs behind Role 1 (R2-R3, R3-R4), which no chart counts
    requests for: said under the evacuation chart instead of drawn on it."""
    return [
        _lift_line(leg, modes, fronts)["label"]
        for leg, modes in capacity.lift
        if leg not in REQUEST_LEGS
    ]


def _lift_line(leg: str, modes: tuple[Lift, ...], fronts: int) -> dict[str, Any]:
    per_mode = [
        (mode, fronts * mode.vehicles * mode.patients_per_trip * 60 / mode.turnaround_minutes)
        for mode in modes
    ]
    per_hour = round(sum(rate for _, rate in per_mode), 1)
    restricted = [
        f"{mode.mode} {_number(round(rate, 1))} for {_precedences(mode.precedences)} only"
        for mode, rate in per_mode
        if set(mode.precedences) != set(PRECEDENCES)
    ]
    shown_leg = leg.replace("-", "→")
    label = f"{shown_leg} lift {_number(per_hour)} patients/h{_times(fronts)}"
    return {
        "value": per_hour,
        "label": label + (f" ({'; '.join(restricted)})" if restricted else ""),
    }


def _precedences(precedences: tuple[str, ...]) -> str:
    return ", ".join(name.replace("_", " ") for name in PRECEDENCES if name in precedences)


def _number(value: float) -> str:
    return f"{value:g}"
