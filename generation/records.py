"""Patient records: any range of the plan, each patient from its own random stream.

Patient i (0-based sequence) draws everything from `Random(seed * 2**22 + i)`, so a
chunk regenerated alone equals the same chunk of a full run, whatever the chunk size.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from generation import injuries, journey, people
from generation.detail import Casualty, clinical_detail
from generation.plan import BATTLE, DISEASE, KIND_NAMES, NON_BATTLE, SPECIAL_KINDS, Plan
from generation.tables import Tables

STREAM_BITS = 22  # patients per seed: 4M > the 2M maximum
Record = dict[str, Any]


def generate_chunk(plan: Plan, start: int, stop: int) -> list[Record]:
    """Records for sequence numbers start+1 .. stop (0-based slice of the plan)."""
    factory = _Factory(plan.tables, plan.seed)
    return [factory.record(plan, i) for i in range(start, min(stop, plan.total))]


class _Factory:
    """Builds records for one (scenario, seed); holds nothing patient-specific."""

    def __init__(self, tables: Tables, seed: int) -> None:
        self.tables = tables
        self.seed_base = seed << STREAM_BITS
        self.clock = Clock(tables.scenario.start)
        tag = hashlib.blake2b(str(seed).encode(), digest_size=3).hexdigest().upper()
        self.id_prefix = f"EX-{tag}-"
        self.naval = tuple(name == "naval" for name in tables.warfare_names)

    def record(self, plan: Plan, index: int) -> Record:
        tables, clock = self.tables, self.clock
        rng = random.Random(self.seed_base + index)
        t0 = plan.times[index]
        event = plan.event_of[index]
        category = plan.event_category[event]
        warfare = plan.event_warfare[event]
        front = plan.event_front[event]
        mascal = plan.is_mass_casualty(event)
        nation = tables.nations[tables.front_nations[front].pick(rng)]
        record: Record = {
            "id": f"{self.id_prefix}{index + 1:07d}",
            "sequence": index + 1,
            "exercise": True,
            "nationality": nation.code,
            "front": tables.front_names[front],
        }
        record.update(people.person(rng, tables, nation, clock.date(t0)))
        record["unit"] = people.unit(rng, tables, front, nation.code, self.naval[warfare])
        killed = category == BATTLE and rng.random() < self._kia_probability(mascal)
        mechanism, triage, conditions, region = self._injury(rng, category, warfare, killed)
        precedence = injuries.precedence(tables, triage, region, category)
        name = injuries.CATEGORY_NAMES[category]
        timeline, outcome, facility, when = self._journey(rng, killed, name, triage, precedence, t0)
        casualty = Casualty(
            age=record["age"],
            sex=record["sex"],
            nationality=nation.code,
            front=record["front"],
            category=name,
            mechanism=mechanism,
            triage=triage,
            precedence=precedence,
            region=region,
            conditions=conditions,
            outcome=outcome,
        )
        entries, detail = self._detail(rng, casualty, timeline)
        kind = plan.event_kind[event]
        record.update(
            category=casualty.category,
            warfare_type=tables.warfare_names[warfare],
            mechanism=mechanism,
            injury_time=clock.iso(t0),
            event_id=f"E{event + 1:06d}",
            mass_casualty=mascal,
            special_event=KIND_NAMES[kind] if kind in SPECIAL_KINDS.values() else None,
            conditions=conditions,
            triage=triage,
            precedence=precedence,
            timeline=entries,
            outcome=outcome,
            outcome_facility=facility,
            outcome_time=clock.iso(when),
        )
        record.update(detail)
        return record

    def _journey(
        self,
        rng: random.Random,
        killed: bool,
        category: str,
        triage: str,
        precedence: str | None,
        t0: int,
    ) -> journey.Outcome:
        if killed:
            return journey.killed_in_action(rng, self.tables, t0)
        assert precedence is not None  # only the killed have none
        return journey.journey(rng, self.tables, category, triage, precedence, t0)

    def _detail(
        self, rng: random.Random, casualty: Casualty, timeline: journey.Timeline
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Timeline entries and, when the scenario asks for it, the clinical detail."""
        if self.tables.scenario.clinical_detail:
            return clinical_detail(rng, self.tables, self.clock.iso, casualty, timeline)
        iso = self.clock.iso
        return [{"time": iso(t), "facility": f, "event": e} for t, f, e in timeline], {}

    def _kia_probability(self, mascal: bool) -> float:
        scenario = self.tables.scenario
        return scenario.mascal_kia_probability if mascal else scenario.kia_probability

    def _injury(
        self, rng: random.Random, category: int, warfare: int, killed: bool
    ) -> tuple[str, str, list[dict[str, Any]], str]:
        if category == NON_BATTLE:
            return injuries.non_battle_injury(rng, self.tables)
        if category == DISEASE:
            return injuries.disease(rng, self.tables)
        return injuries.battle_injury(rng, self.tables, warfare, killed)


_HOUR_MINUTE = tuple(f"T{m // 60:02d}:{m % 60:02d}:" for m in range(1440))
_SECOND = tuple(f"{s:02d}Z" for s in range(60))


class Clock:
    """Formats offsets from the scenario start as ISO 8601 UTC, fast."""

    def __init__(self, start: datetime) -> None:
        start = start.astimezone(UTC).replace(microsecond=0)
        self.midnight = start.replace(hour=0, minute=0, second=0)
        self.offset = int((start - self.midnight).total_seconds())
        self._days: dict[int, str] = {}

    def date(self, seconds: int) -> date:
        return (self.midnight + timedelta(days=(seconds + self.offset) // 86_400)).date()

    def iso(self, seconds: int) -> str:
        day, rest = divmod(seconds + self.offset, 86_400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (self.midnight + timedelta(days=day)).strftime("%Y-%m-%d")
        return prefix + _HOUR_MINUTE[rest // 60] + _SECOND[rest % 60]
