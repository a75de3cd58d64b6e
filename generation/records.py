"""Patient records: any range of the plan, each patient from its own random stream.

Patient i (0-based sequence) draws everything from `Random(seed * 2**22 + i)`, so a
chunk regenerated alone equals the same chunk of a full run, whatever the chunk size.
"""

from __future__ import annotations

import gc
import hashlib
import random
from typing import Any

from generation import injuries, journey, people, physiology, reference
from generation.clock import Clock
from generation.detail import Casualty, clinical_detail
from generation.fastops import pick, zero_padded
from generation.plan import (
    BATTLE,
    DISEASE,
    KIND_MASCAL,
    KIND_NAMES,
    NON_BATTLE,
    SPECIAL_KINDS,
    Plan,
)
from generation.tables import Tables

STREAM_BITS = 22  # patients per seed: 4M > the 2M maximum
_SPECIAL_KINDS = frozenset(SPECIAL_KINDS.values())
_MASCAL_KINDS = (KIND_MASCAL, SPECIAL_KINDS["mass_casualty"])
Record = dict[str, Any]


def generate_chunk(plan: Plan, start: int, stop: int) -> list[Record]:
    """Records for sequence numbers start+1 .. stop (0-based slice of the plan)."""
    factory = _Factory(plan.tables, plan.seed)
    # No cyclic GC while the chunk piles up (docs/engine-api.md, internals: cyclic-gc);
    # switched back on only if it was on (callers may nest).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [factory.record(plan, i) for i in range(start, min(stop, plan.total))]
    finally:
        if collecting:
            gc.enable()


class _Factory:
    """Builds records for one (scenario, seed); keeps nothing from one patient to the next."""

    def __init__(self, tables: Tables, seed: int) -> None:
        self.tables = tables
        self.seed_base = seed << STREAM_BITS
        self.clock = Clock(tables.scenario.start)
        tag = hashlib.blake2b(str(seed).encode(), digest_size=3).hexdigest().upper()
        self.id_prefix = f"EX-{tag}-"
        self.naval = tuple(name == "naval" for name in tables.warfare_names)
        self.rng = random.Random(0)  # re-seeded for every patient: see record()
        # Mass casualty: a mass-casualty event, or any event at least this large.
        self.mascal_threshold: int = reference.warfare()["mascal"]["threshold"]
        self.kia_probability: float = tables.scenario.kia_probability
        self.mascal_kia_probability: float = tables.scenario.mascal_kia_probability

    def record(self, plan: Plan, index: int) -> Record:
        tables, clock, rng = self.tables, self.clock, self.rng
        # The state Random(seed_base + index) starts in, reusing one generator.
        rng.seed(self.seed_base + index)
        t0 = plan.times[index]
        event = plan.event_of[index]
        category = plan.event_category[event]
        warfare = plan.event_warfare[event]
        front = plan.event_front[event]
        kind = plan.event_kind[event]
        mascal = kind in _MASCAL_KINDS or plan.event_size[event] >= self.mascal_threshold
        nation = tables.nations[pick(tables.front_nations[front], rng.random)]
        name, sex, born, age, blood_group, number, rank = people.person(
            rng, tables, nation, clock.date(t0)
        )
        unit = people.unit(rng, tables, front, nation.code, self.naval[warfare])
        kia_probability = self.mascal_kia_probability if mascal else self.kia_probability
        cbrn = category == BATTLE and warfare == tables.cbrn.warfare
        if cbrn:  # a CBRN attack kills by its agent, not by the battle rate
            kia_probability = tables.cbrn.kia
        killed = category == BATTLE and rng.random() < kia_probability
        mechanism, band, conditions, region = self._injury(
            rng, category, warfare, killed, sex == "female"
        )
        # The drawn severity band chose the wounds and decides the course; the triage a
        # medic would give is read off the physiology those wounds produce.
        injury = None if killed else physiology.at_injury(rng, tables.physiology, conditions, band)
        triage = "DEAD" if injury is None else injury.triage
        precedence = injuries.precedence(tables, triage, region, category, conditions)
        category_name = injuries.CATEGORY_NAMES[category]
        disposition = injuries.disposition(tables, conditions)
        onset = t0
        incubation = tables.cbrn.incubation
        if cbrn and incubation is not None:  # a biological agent: ill days later
            onset = t0 + int(journey.triangular(rng.random, incubation) * 3600)
        timeline, outcome, facility, when = self._journey(
            rng, killed, category_name, band, precedence, onset, disposition
        )
        if onset != t0:  # exposed at the release, in care only once ill
            timeline[0] = (t0, "POI", "injury")
        assert when == timeline[-1][0]  # the outcome is the last step: its time is written
        times = [clock.iso(t) for t, _, _ in timeline]
        # By index, not zip(strict=True): compiled, that zip is a generic call.
        entries = [
            {"time": times[i], "facility": place, "event": step}
            for i, (_, place, step) in enumerate(timeline)
        ]
        record: Record = {
            "id": self.id_prefix + zero_padded(index + 1, 7),
            "sequence": index + 1,
            "exercise": True,
            "nationality": nation.code,
            "front": tables.front_names[front],
            "name": name,
            "sex": sex,
            "birth_date": born,
            "age": age,
            "blood_group": blood_group,
            "service_number": number,
            "rank": rank,
            "unit": unit,
            "category": category_name,
            "warfare_type": tables.warfare_names[warfare],
            "mechanism": mechanism,
            "injury_time": times[0],
            "event_id": "E" + zero_padded(event + 1, 6),
            "mass_casualty": mascal,
            "special_event": KIND_NAMES[kind] if kind in _SPECIAL_KINDS else None,
            "conditions": conditions,
            "triage": triage,
            "precedence": precedence,
            "timeline": entries,
            "outcome": outcome,
            "outcome_facility": facility,
            "outcome_time": times[-1],
        }
        if tables.scenario.clinical_detail:
            self._detail(rng, record, region, timeline, times, entries, injury)
        return record

    def _detail(
        self,
        rng: random.Random,
        record: Record,
        region: str,
        timeline: journey.Timeline,
        times: list[str],
        entries: list[dict[str, Any]],
        injury: physiology.Injury | None,
    ) -> None:
        """Adds the clinical detail fields; re-triage goes onto the timeline `entries`."""
        casualty = Casualty(
            age=record["age"],
            sex=record["sex"],
            nationality=record["nationality"],
            front=record["front"],
            category=record["category"],
            mechanism=record["mechanism"],
            triage=record["triage"],
            precedence=record["precedence"],
            region=region,
            conditions=record["conditions"],
            outcome=record["outcome"],
            injury_time=record["injury_time"],
            injury=injury,
        )
        clinical_detail(rng, self.tables, self.clock, casualty, timeline, times, entries, record)

    def _journey(
        self,
        rng: random.Random,
        killed: bool,
        category: str,
        band: str,
        precedence: str | None,
        t0: int,
        disposition: str,
    ) -> journey.Outcome:
        if killed:
            return journey.killed_in_action(rng, self.tables, t0)
        assert precedence is not None  # only the killed have none
        return journey.journey(rng, self.tables, category, band, precedence, t0, disposition)

    def _injury(
        self, rng: random.Random, category: int, warfare: int, killed: bool, female: bool
    ) -> tuple[str, str, list[dict[str, Any]], str]:
        if category == NON_BATTLE:
            return injuries.non_battle_injury(rng, self.tables)
        if category == DISEASE:
            return injuries.disease(rng, self.tables, female)
        return injuries.battle_injury(rng, self.tables, warfare, killed)
