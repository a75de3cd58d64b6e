"""The draws that decide a casualty's care needs, shared by the capacity pass and records.

With a `capacity` section these come from a stream of their own per patient (not the
record's main stream), so that the capacity pass can draw them for every casualty
without drawing names, units and clinical detail too; the record draws the very same
values again from the same stream.
"""

from __future__ import annotations

import random
from typing import Any

from generation import injuries, physiology
from generation.plan import BATTLE, DISEASE, NON_BATTLE
from generation.tables import Tables

STREAM_BITS = 22  # patients per seed: 4M > the 2M maximum
# Care streams sit far above every main stream (seed << 22 | index < 2**85).
CARE_STREAM = 1 << 96

Drawn = tuple[
    bool, str, str, list[dict[str, Any]], str, physiology.Injury | None, str, str | None, str
]


def care_seed(seed_base: int, index: int) -> int:
    return CARE_STREAM | (seed_base + index)


def draw_injury(
    rng: random.Random, tables: Tables, category: int, warfare: int, kia_probability: float
) -> Drawn:
    """(killed, mechanism, severity band, conditions, region, physiology at injury, triage,
    precedence, disposition), drawn in the record's order (records._Factory.record)."""
    if category == BATTLE and warfare == tables.cbrn.warfare:
        kia_probability = tables.cbrn.kia  # a CBRN attack kills by its agent
    killed = category == BATTLE and rng.random() < kia_probability
    if category == NON_BATTLE:
        mechanism, band, conditions, region = injuries.non_battle_injury(rng, tables)
    elif category == DISEASE:
        mechanism, band, conditions, region = injuries.disease(rng, tables)
    else:
        mechanism, band, conditions, region = injuries.battle_injury(rng, tables, warfare, killed)
    injury = None if killed else physiology.at_injury(rng, tables.physiology, conditions, band)
    triage = "DEAD" if injury is None else injury.triage
    precedence = injuries.precedence(tables, triage, region, category, conditions)
    disposition = injuries.disposition(tables, conditions)
    return (
        killed, mechanism, band, conditions, region, injury, triage, precedence, disposition
    )  # fmt: skip
