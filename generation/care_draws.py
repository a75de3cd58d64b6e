"""The draws that decide a casualty's care needs, shared by the capacity pass and records.

One function, `draw_injury`, for every path, so that they cannot drift apart: without
capacity the record draws it from its main stream; with a `capacity` section it comes
from a stream of its own per patient, so that the capacity pass can draw it for every
casualty without drawing names, units and clinical detail too, and the record draws the
very same values again from the same stream. The casualty's sex (for sex-specific
diseases) is the record's, from `people.nation_and_sex` on the main stream.
"""

from __future__ import annotations

import random
from typing import Any

from generation import injuries, journey, physiology
from generation.plan import BATTLE, DISEASE, NON_BATTLE
from generation.tables import Tables

STREAM_BITS = 22  # patients per seed: 4M > the 2M maximum
# Care streams sit far above every main stream (seed << 22 | index < 2**85).
CARE_STREAM = 1 << 96

Drawn = tuple[
    bool, str, str, list[dict[str, Any]], str, physiology.Injury | None, str, str | None, str,
    int,
]  # fmt: skip


def care_seed(seed_base: int, index: int) -> int:
    return CARE_STREAM | (seed_base + index)


def draw_injury(
    rng: random.Random,
    tables: Tables,
    category: int,
    warfare: int,
    kia_probability: float,
    female: bool,
) -> Drawn:
    """(killed, mechanism, severity band, conditions, region, physiology at injury, triage,
    precedence, disposition, seconds from exposure to onset), in the record's order.

    The onset delay is a biological agent's incubation (0 otherwise): exposed at the
    release, the casualty enters care only once ill.
    """
    cbrn = category == BATTLE and warfare == tables.cbrn.warfare
    if cbrn:
        kia_probability = tables.cbrn.kia  # a CBRN attack kills by its agent
    killed = category == BATTLE and rng.random() < kia_probability
    if category == NON_BATTLE:
        mechanism, band, conditions, region = injuries.non_battle_injury(rng, tables)
    elif category == DISEASE:
        mechanism, band, conditions, region = injuries.disease(rng, tables, female)
    else:
        mechanism, band, conditions, region = injuries.battle_injury(rng, tables, warfare, killed)
    # The drawn severity band chose the wounds and decides the course; the triage a medic
    # would give is read off the physiology those wounds produce.
    injury = None if killed else physiology.at_injury(rng, tables.physiology, conditions, band)
    triage = "DEAD" if injury is None else injury.triage
    precedence = injuries.precedence(tables, triage, region, category, conditions)
    disposition = injuries.disposition(tables, conditions)
    incubation = tables.cbrn.incubation
    delay = 0
    if cbrn and incubation is not None:  # a biological agent: ill days later
        delay = int(journey.triangular(rng.random, incubation) * 3600)
    return (
        killed, mechanism, band, conditions, region, injury, triage, precedence, disposition,
        delay,
    )  # fmt: skip
