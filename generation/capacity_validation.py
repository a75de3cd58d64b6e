"""Validation of the scenario's optional `capacity` section into a `Capacity`.

Every count is a positive whole number or "unlimited" (the same as leaving it out),
every time a positive number of minutes; unknown roles, legs, modes and keys are errors
naming the field, like everywhere else in a scenario.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

from generation import reference
from generation.scenario import (
    CAPACITY_ROLES,
    CAPACITY_SCOPES,
    LIFT_MODES,
    PRECEDENCES,
    TRANSIT_LEGS,
    Capacity,
    Lift,
)


class Validator(Protocol):
    """What this module needs of `validation.Validator` (not imported: no import circle)."""

    def error(self, path: str, message: str) -> None: ...


UNLIMITED = "unlimited"
MAX_COUNT = 100_000
MAX_MINUTES = 60 * 24 * 60
SECTION_KEYS = ("scope", "beds", "teams", "case_minutes", "lift")
LIFT_KEYS = ("vehicles", "patients_per_trip", "turnaround_minutes", "precedences")


def parse_capacity(v: Validator, raw: Any) -> Capacity | None:
    """The `capacity` section; None when absent, "unlimited" or limiting nothing."""
    if raw is None or raw == UNLIMITED:
        return None
    if not isinstance(raw, Mapping):
        v.error("capacity", 'must be an object or "unlimited"')
        return None
    for key in sorted(set(raw) - set(SECTION_KEYS)):
        v.error(f"capacity.{key}", f"unknown key; expected one of {', '.join(SECTION_KEYS)}")
    scope = raw.get("scope", "theatre")
    if scope not in CAPACITY_SCOPES:
        v.error("capacity.scope", f"must be one of {', '.join(CAPACITY_SCOPES)}; got {scope!r}")
    beds = _counts(v, "capacity.beds", raw.get("beds", {}))
    teams = _counts(v, "capacity.teams", raw.get("teams", {}))
    defaults = reference.care()["capacity"]
    minutes = _minutes(v, raw.get("case_minutes", {}), defaults["case_minutes"])
    lift = _lift(v, raw.get("lift", {}), defaults)
    if not (beds or teams or lift):
        return None  # nothing limited: exactly the run without capacity
    return Capacity(scope=str(scope), beds=beds, teams=teams, case_minutes=minutes, lift=lift)


def _count(v: Validator, path: str, value: Any, low: int = 1) -> int | None:
    """A positive whole number, or None for "unlimited"."""
    if value == UNLIMITED:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_COUNT:
        v.error(
            path,
            f'must be a whole number from {low} to {MAX_COUNT:,} or "unlimited", got {value!r}',
        )
        return None
    return value


def _positive_minutes(v: Validator, path: str, value: Any) -> float | None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or math.isnan(value)
        or not 0 < value <= MAX_MINUTES
    ):
        v.error(
            path, f"must be a number of minutes above 0 and at most {MAX_MINUTES:,}, got {value!r}"
        )
        return None
    return float(value)


def _counts(v: Validator, path: str, raw: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(raw, Mapping):
        v.error(path, "must be an object of role -> count")
        return ()
    result = []
    for role, value in raw.items():
        if role not in CAPACITY_ROLES:
            v.error(f"{path}.{role}", f"unknown role; expected one of {', '.join(CAPACITY_ROLES)}")
            continue
        count = _count(v, f"{path}.{role}", value)
        if count is not None:
            result.append((str(role), count))
    return tuple(sorted(result))


def _minutes(
    v: Validator, raw: Any, defaults: Mapping[str, float]
) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, Mapping):
        v.error("capacity.case_minutes", "must be an object of role -> minutes")
        raw = {}
    for role in sorted(set(raw) - set(CAPACITY_ROLES)):
        v.error(
            f"capacity.case_minutes.{role}",
            f"unknown role; expected one of {', '.join(CAPACITY_ROLES)}",
        )
    result = []
    for role in CAPACITY_ROLES:
        minutes = _positive_minutes(
            v, f"capacity.case_minutes.{role}", raw.get(role, defaults[role])
        )
        result.append((role, minutes if minutes is not None else float(defaults[role])))
    return tuple(result)


def _lift(
    v: Validator, raw: Any, defaults: Mapping[str, Any]
) -> tuple[tuple[str, tuple[Lift, ...]], ...]:
    if not isinstance(raw, Mapping):
        v.error("capacity.lift", "must be an object of leg -> modes")
        return ()
    result = []
    for leg, modes in raw.items():
        path = f"capacity.lift.{leg}"
        if leg not in TRANSIT_LEGS:
            v.error(path, f"unknown leg; expected one of {', '.join(TRANSIT_LEGS)}")
            continue
        if modes == UNLIMITED:
            continue
        if not isinstance(modes, Mapping) or not modes:
            v.error(
                path, f'must be an object of mode ({", ".join(LIFT_MODES)}) -> lift, or "unlimited"'
            )
            continue
        lifts = []
        for mode, spec in modes.items():
            if mode not in LIFT_MODES:
                v.error(f"{path}.{mode}", f"unknown mode; expected one of {', '.join(LIFT_MODES)}")
                continue
            lift = _one_lift(v, f"{path}.{mode}", str(mode), str(leg), spec, defaults[mode])
            if lift is not None:
                lifts.append(lift)
        if len(lifts) != len(modes):
            continue  # an error was reported; an unlimited mode leaves the leg unlimited
        carried = {p for lift in lifts for p in lift.precedences}
        for precedence in PRECEDENCES:
            if precedence not in carried:
                v.error(path, f"no mode carries {precedence} casualties; add one that does")
        result.append(
            (str(leg), tuple(sorted(lifts, key=lambda lift: LIFT_MODES.index(lift.mode))))
        )
    return tuple(sorted(result, key=lambda item: TRANSIT_LEGS.index(item[0])))


def _one_lift(
    v: Validator, path: str, mode: str, leg: str, spec: Any, defaults: Mapping[str, Any]
) -> Lift | None:
    if not isinstance(spec, Mapping):
        v.error(path, f"must be an object with {', '.join(LIFT_KEYS)}")
        return None
    for key in sorted(set(spec) - set(LIFT_KEYS)):
        v.error(f"{path}.{key}", f"unknown key; expected one of {', '.join(LIFT_KEYS)}")
    if "vehicles" not in spec:
        v.error(f"{path}.vehicles", "is required")
        return None
    vehicles = _count(v, f"{path}.vehicles", spec["vehicles"])
    seats = _count(
        v, f"{path}.patients_per_trip", spec.get("patients_per_trip", defaults["patients_per_trip"])
    )
    turnaround = _positive_minutes(
        v,
        f"{path}.turnaround_minutes",
        spec.get("turnaround_minutes", defaults["turnaround_minutes"][leg]),
    )
    precedences = spec.get("precedences", defaults.get("precedences", list(PRECEDENCES)))
    if (
        not isinstance(precedences, list)
        or not precedences
        or any(p not in PRECEDENCES for p in precedences)
    ):
        v.error(
            f"{path}.precedences", f"must be a non-empty list drawn from {', '.join(PRECEDENCES)}"
        )
        return None
    if vehicles is None or seats is None or turnaround is None:
        return None
    ordered = tuple(p for p in PRECEDENCES if p in precedences)
    return Lift(mode, vehicles, seats, turnaround, ordered)
