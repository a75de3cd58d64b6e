"""The journey through the chain of care and its outcome.

An outcome (KIA, DOW at a role, RTD from a role, or evacuated out of theatre) is drawn
first from the category's and triage's table; the timeline is then built to reach it:
injury at the point of injury, arrival and departure at each role on the way, every
time drawn from the configured window for the casualty's precedence and leg, strictly
increasing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from math import sqrt

from generation.choice import Choice
from generation.fastops import pick
from generation.tables import Tables, Triangle

IN_THEATRE = ("R1", "R2", "R3")
MINUTE = 60
DOW_SPAN = 1.0 - 0.05  # rng.uniform(0.05, 1.0), as Random.uniform computes it

Timeline = list[tuple[int, str, str]]  # (seconds after start, facility, event)
Outcome = tuple[Timeline, str, str | None, int]  # timeline, outcome, facility, time


def killed_in_action(rng: random.Random, tables: Tables, t0: int) -> Outcome:
    """Death before reaching any facility; time of death after F5's profile."""
    low, high = pick(tables.kia_minutes, rng.random)
    # rng.uniform(low, high) inlined: Random.uniform computes exactly this.
    died = t0 + max(1, int((low + (high - low) * rng.random()) * MINUTE))
    return [(t0, "POI", "injury"), (died, "POI", "death")], "KIA", None, died


def journey(
    rng: random.Random,
    tables: Tables,
    category: str,
    triage: str,
    precedence: str,
    t0: int,
    disposition: str = "",
) -> Outcome:
    """(timeline, outcome, outcome facility, outcome time) for a casualty who lives to care.

    `triage` is the severity band the injuries were drawn for; `disposition` ("no_rtd",
    "stay" or "") the outcomes they rule out (injuries.disposition).
    The way to the first facility is drawn first, because its length changes the chance
    of dying of wounds for the most severely injured (the 10-1-2 timeline).
    """
    roles = tables.scenario.care.roles
    holding = tables.holding_triangles
    r = rng.random
    present = _present(roles)
    skip_r1 = _straight_to_surgery(r, tables, present, precedence)
    first_leg = _transit(r, tables, "POI", present[1] if skip_r1 else present[0], precedence)
    if disposition:
        choice = tables.limited_outcomes[(category, triage, disposition)]
    else:
        choice = tables.outcomes[(category, triage)]
    if category == "battle_injury" and triage == "T1":
        key = _pick_with_timeliness(rng, tables, choice, first_leg)
    else:
        key = pick(choice, r)
    outcome, path = _route(key, roles)
    if skip_r1:  # flown straight to surgery: the first leg above was drawn to R2
        path = path[1:] if len(path) > 1 else (present[1],)
    timeline: Timeline = [(t0, "POI", "injury")]
    now, here = _after(t0, first_leg), path[0]
    timeline.append((now, here, "arrival"))
    for role in path[1:]:
        now = _after(now, _window(r, holding[(here, precedence)]))
        timeline.append((now, here, "departure"))
        now = _after(now, _transit(r, tables, here, role, precedence))
        timeline.append((now, role, "arrival"))
        here = role
    return _finish(r, tables, timeline, outcome, here, precedence, now)


def _straight_to_surgery(
    r: Callable[[], float], tables: Tables, present: tuple[str, ...], precedence: str
) -> bool:
    """Urgent casualties are sometimes, urgent surgical ones usually, flown past Role 1
    straight to a surgical role (damage-control surgery within 2 h, 10-1-2)."""
    if present[0] != "R1" or len(present) < 2:
        return False
    if precedence == "urgent_surgical":
        return r() < tables.skip_r1_for_urgent_surgical
    if precedence == "urgent":
        return r() < tables.skip_r1_for_urgent
    return False


def triangular(r: Callable[[], float], triangle: Triangle) -> float:
    """`Random.triangular(low, high, mode)`: the same draw and the same arithmetic, with
    the mode's position taken from the precomputed triangle instead of each call."""
    low, high, c = triangle
    u = r()
    if u > c:  # Random.triangular mirrors the triangle: u, c = 1 - u, 1 - c; swap ends
        return high + (low - high) * sqrt((1.0 - u) * (1.0 - c))
    return low + (high - low) * sqrt(u * c)


def _pick_with_timeliness(
    rng: random.Random, tables: Tables, choice: Choice[str], first_leg: int
) -> str:
    minutes = first_leg / MINUTE
    for limit, step_factor in tables.dow_timeliness:  # the first step the leg fits in
        if minutes <= limit:
            factor = step_factor
            break
    else:
        raise ValueError(f"no DOW timeliness step for {minutes} minutes")
    weights = [probability * (factor if dow else 1.0) for probability, dow in _dow_weights(choice)]
    draw = rng.random() * sum(weights)
    for i, key in enumerate(choice.values):  # by index: zip(strict=True) is a generic call
        draw -= weights[i]
        if draw < 0:
            return key
    return choice.values[-1]


# By the table's identity (docs/engine-api.md, internals: hash-by-identity).
_DOW_WEIGHTS: dict[int, tuple[Choice[str], tuple[tuple[float, bool], ...]]] = {}


def _dow_weights(choice: Choice[str]) -> tuple[tuple[float, bool], ...]:
    """(probability, is a death of wounds) of each outcome: fixed per table."""
    found = _DOW_WEIGHTS.get(id(choice))
    if found is None:
        if len(_DOW_WEIGHTS) >= 256:  # tables of many scenarios in a long-lived process
            _DOW_WEIGHTS.clear()
        weights = tuple((choice.probability(key), key.startswith("DOW")) for key in choice.values)
        found = _DOW_WEIGHTS[id(choice)] = (choice, weights)
    return found[1]


def _finish(
    r: Callable[[], float],
    tables: Tables,
    timeline: Timeline,
    outcome: str,
    here: str,
    precedence: str,
    now: int,
) -> Outcome:
    if outcome == "RTD":
        now = _after(now, _window(r, tables.rtd_triangles[here]))
        timeline.append((now, here, "rtd"))
        return timeline, "RTD", here, now
    holding = tables.holding_triangles[(here, precedence)]
    if outcome == "DOW":
        stay = _window(r, holding)
        now = _after(now, int(stay * (0.05 + DOW_SPAN * r())))
        timeline.append((now, here, "death"))
        return timeline, "DOW", here, now
    now = _after(now, _window(r, holding))
    timeline.append((now, here, "evacuated"))
    if "R4" not in tables.scenario.care.roles:
        return timeline, "EVACUATED", here, now
    now = _after(now, _transit(r, tables, here, "R4", precedence))
    timeline.append((now, "R4", "arrival"))
    return timeline, "EVACUATED", "R4", now


@cache
def _present(roles: tuple[str, ...]) -> tuple[str, ...]:
    """The in-theatre roles of the chain of care, in order."""
    return tuple(role for role in IN_THEATRE if role in roles)


@cache
def _route(key: str, roles: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """'RTD@R2' -> ('RTD', roles visited: every present role up to the nearest present one
    at or above R2, else the last)."""
    outcome, _, role = key.partition("@")
    present = _present(roles)
    if not role:
        target = present[-1]
    else:
        above = [r for r in present if r >= role]
        target = above[0] if above else present[-1]
    return outcome, tuple(r for r in present if r <= target)


def _transit(r: Callable[[], float], tables: Tables, here: str, there: str, precedence: str) -> int:
    """Seconds between two facilities; a skipped role's legs are flown as one, faster."""
    legs = _legs(here, there)
    triangles = tables.transit_triangles
    seconds = 0
    for leg in legs:
        seconds += _window(r, triangles[(leg, precedence)])
    if len(legs) > 1:
        seconds = int(seconds * 0.7)
    return int(seconds * tables.transit_factor)


@cache
def _legs(here: str, there: str) -> tuple[str, ...]:
    chain = ("POI", "R1", "R2", "R3", "R4")
    a, b = chain.index(here), chain.index(there)
    return tuple(f"{chain[i]}-{chain[i + 1]}" for i in range(a, b))


def _window(r: Callable[[], float], triangle: Triangle) -> int:
    return int(triangular(r, triangle) * MINUTE)


def _after(now: int, seconds: int) -> int:
    return now + (seconds if seconds > MINUTE else MINUTE)
