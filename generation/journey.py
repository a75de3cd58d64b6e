"""The journey through the chain of care and its outcome.

An outcome (KIA, DOW at a role, RTD from a role, or evacuated out of theatre) is drawn
first from the category's and triage's table; the timeline is then built to reach it:
injury at the point of injury, arrival and departure at each role on the way, every
time drawn from the configured window for the casualty's precedence and leg, strictly
increasing.
"""

from __future__ import annotations

import random
from functools import cache

from generation.tables import Choice, Tables

IN_THEATRE = ("R1", "R2", "R3")
MINUTE = 60

Timeline = list[tuple[int, str, str]]  # (seconds after start, facility, event)
Outcome = tuple[Timeline, str, str | None, int]  # timeline, outcome, facility, time


def killed_in_action(rng: random.Random, tables: Tables, t0: int) -> Outcome:
    """Death before reaching any facility; time of death after F5's profile."""
    low, high = tables.kia_minutes.pick(rng)
    died = t0 + max(1, int(rng.uniform(low, high) * MINUTE))
    return [(t0, "POI", "injury"), (died, "POI", "death")], "KIA", None, died


def journey(
    rng: random.Random, tables: Tables, category: str, triage: str, precedence: str, t0: int
) -> Outcome:
    """(timeline, outcome, outcome facility, outcome time) for a casualty who lives to care.

    The way to the first facility is drawn first, because its length changes the chance
    of dying of wounds for the most severely injured (the 10-1-2 timeline).
    """
    care = tables.scenario.care
    present = [role for role in IN_THEATRE if role in care.roles]
    urgent = precedence in ("urgent", "urgent_surgical")
    skip_r1 = (
        urgent
        and present[0] == "R1"
        and len(present) > 1
        and rng.random() < tables.skip_r1_for_urgent
    )
    first_leg = _transit(rng, tables, "POI", present[1] if skip_r1 else present[0], precedence)
    choice = tables.outcomes[(category, triage)]
    if category == "battle_injury" and triage == "T1":
        key = _pick_with_timeliness(rng, tables, choice, first_leg)
    else:
        key = choice.pick(rng)
    outcome, target = _resolve(key, care.roles)
    path = [role for role in present if _before_or_at(role, target)]
    if skip_r1 and len(path) > 1:
        path = path[1:]  # helicopter straight to surgery
    timeline: Timeline = [(t0, "POI", "injury")]
    now, here = _after(t0, first_leg), path[0]
    timeline.append((now, here, "arrival"))
    for role in path[1:]:
        now = _after(now, _window(rng, care.holding_window(here, precedence)))
        timeline.append((now, here, "departure"))
        now = _after(now, _transit(rng, tables, here, role, precedence))
        timeline.append((now, role, "arrival"))
        here = role
    return _finish(rng, tables, timeline, outcome, here, precedence, now)


def _pick_with_timeliness(
    rng: random.Random, tables: Tables, choice: Choice[str], first_leg: int
) -> str:
    minutes = first_leg / MINUTE
    factor = next(f for limit, f in tables.dow_timeliness if minutes <= limit)
    weights = [
        choice.probability(key) * (factor if key.startswith("DOW") else 1.0)
        for key in choice.values
    ]
    draw = rng.random() * sum(weights)
    for key, weight in zip(choice.values, weights, strict=True):
        draw -= weight
        if draw < 0:
            return key
    return choice.values[-1]


def _finish(
    rng: random.Random,
    tables: Tables,
    timeline: Timeline,
    outcome: str,
    here: str,
    precedence: str,
    now: int,
) -> Outcome:
    care = tables.scenario.care
    if outcome == "RTD":
        low, mode, high = tables.rtd_stay[here]
        now = _after(now, int(rng.triangular(low, high, mode) * MINUTE))
        timeline.append((now, here, "rtd"))
        return timeline, "RTD", here, now
    if outcome == "DOW":
        stay = _window(rng, care.holding_window(here, precedence))
        now = _after(now, int(stay * rng.uniform(0.05, 1.0)))
        timeline.append((now, here, "death"))
        return timeline, "DOW", here, now
    now = _after(now, _window(rng, care.holding_window(here, precedence)))
    timeline.append((now, here, "evacuated"))
    if "R4" not in care.roles:
        return timeline, "EVACUATED", here, now
    now = _after(now, _transit(rng, tables, here, "R4", precedence))
    timeline.append((now, "R4", "arrival"))
    return timeline, "EVACUATED", "R4", now


def _resolve(key: str, roles: tuple[str, ...]) -> tuple[str, str]:
    """'RTD@R2' -> ('RTD', nearest present role at or above R2, else below)."""
    outcome, _, role = key.partition("@")
    present = [r for r in IN_THEATRE if r in roles]
    if not role:
        return outcome, present[-1]
    above = [r for r in present if r >= role]
    return outcome, (above[0] if above else present[-1])


def _before_or_at(role: str, target: str) -> bool:
    return role <= target


def _transit(rng: random.Random, tables: Tables, here: str, there: str, precedence: str) -> int:
    """Seconds between two facilities; a skipped role's legs are flown as one, faster."""
    legs = _legs(here, there)
    seconds = sum(
        _window(rng, tables.scenario.care.transit_window(leg, precedence)) for leg in legs
    )
    if len(legs) > 1:
        seconds = int(seconds * 0.7)
    return int(seconds * tables.transit_factor)


@cache
def _legs(here: str, there: str) -> tuple[str, ...]:
    chain = ("POI", "R1", "R2", "R3", "R4")
    a, b = chain.index(here), chain.index(there)
    return tuple(f"{chain[i]}-{chain[i + 1]}" for i in range(a, b))


def _window(rng: random.Random, window: tuple[float, float, float]) -> int:
    low, mode, high = window
    return int(rng.triangular(low, high, mode) * MINUTE)


def _after(now: int, seconds: int) -> int:
    return now + max(MINUTE, seconds)
