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
from generation.care_draws import care_seed, draw_injury
from generation.clinical import Treatment
from generation.clock import Clock
from generation.detail import Casualty, clinical_detail
from generation.fastops import reseed, zero_padded
from generation.figures.tally import Tally, marked
from generation.plan import (
    KIND_MASCAL,
    KIND_NAMES,
    SPECIAL_KINDS,
    Plan,
)
from generation.playback import PlaybackRows
from generation.tables import Tables

STREAM_BITS = 22  # patients per seed: 4M > the 2M maximum
_SPECIAL_KINDS = frozenset(SPECIAL_KINDS.values())
_MASCAL_KINDS = (KIND_MASCAL, SPECIAL_KINDS["mass_casualty"])
Record = dict[str, Any]


def generate_chunk(
    plan: Plan,
    start: int,
    stop: int,
    tally: Tally | None = None,
    playback: PlaybackRows | None = None,
) -> list[Record]:
    """Records for sequence numbers start+1 .. stop (0-based slice of the plan).

    Each casualty is also counted into `tally` (the figures) and written to `playback`
    (the playback records), when given, from the numbers the engine holds anyway.
    """
    if plan.scenario.capacity is not None and plan.care is None:
        from generation.capacity import simulate  # only runs with capacity: imported late

        plan.care = simulate(plan)
    factory = _Factory(plan.tables, plan.seed)
    factory.tally = tally
    factory.playback = playback
    # No cyclic GC while the chunk piles up (docs/engine-api.md, internals: cyclic-gc);
    # switched back on only if it was on (callers may nest).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [factory.record(plan, i) for i in range(start, min(stop, plan.total))]
    finally:
        if collecting:
            gc.enable()


def id_prefix(seed: int) -> str:
    """What every patient id of a run starts with: `EX-` and a tag derived from the seed."""
    tag = hashlib.blake2b(str(seed).encode(), digest_size=3).hexdigest().upper()
    return f"EX-{tag}-"


def _care_after_waits(
    record: Record,
    timeline: journey.Timeline,
    t0: int,
    care_times: tuple[int, int, bool],
    clock: Clock,
) -> None:
    """With capacity: treatments at a role begin once its team is free, not during the
    wait for it (the clinical rules time them from the arrival)."""
    first_care, surgery, _ = care_times
    waits = []
    for when, place, event in timeline:
        began = first_care if event == "waiting_for_treatment" else surgery
        if event in ("waiting_for_treatment", "waiting_for_surgery") and began >= 0:
            waits.append((place, clock.iso(when), clock.iso(t0 + began)))
    if not waits:
        return
    treatments: list[dict[str, Any]] = record["treatments"]
    for treatment in treatments:
        for place, start, end in waits:  # ISO 8601 UTC strings sort by time
            if treatment["facility"] == place and start <= treatment["time"] < end:
                treatment["time"] = end
    treatments.sort(key=lambda treatment: str(treatment["time"]))


def _minutes(seconds: int) -> int | None:
    """Whole minutes from seconds; -1 (never) is None."""
    return None if seconds < 0 else seconds // 60


class _Factory:
    """Builds records for one (scenario, seed); keeps nothing from one patient to the next."""

    def __init__(self, tables: Tables, seed: int) -> None:
        self.tables = tables
        self.seed_base = seed << STREAM_BITS
        self.clock = Clock(tables.scenario.start)
        self.id_prefix = id_prefix(seed)
        self.tally: Tally | None = None
        self.playback: PlaybackRows | None = None
        self.naval = tuple(name == "naval" for name in tables.warfare_names)
        self.rng = random.Random(0)  # re-seeded for every patient: see record()
        self.care_rng = random.Random(0)  # with capacity: the care draws' own stream
        # Mass casualty: a mass-casualty event, or any event at least this large.
        self.mascal_threshold: int = reference.warfare()["mascal"]["threshold"]
        self.kia_probability: float = tables.scenario.kia_probability
        self.mascal_kia_probability: float = tables.scenario.mascal_kia_probability

    def record(self, plan: Plan, index: int) -> Record:
        tables, clock, rng = self.tables, self.clock, self.rng
        # The state Random(seed_base + index) starts in, reusing one generator.
        reseed(rng, self.seed_base + index)
        t0 = plan.times[index]
        event = plan.event_of[index]
        category = plan.event_category[event]
        warfare = plan.event_warfare[event]
        front = plan.event_front[event]
        kind = plan.event_kind[event]
        mascal = kind in _MASCAL_KINDS or plan.event_size[event] >= self.mascal_threshold
        nation, female = people.nation_and_sex(rng, tables, front)
        name, sex, born, age, blood_group, number, rank = people.person(
            rng, tables, nation, clock.date(t0), female
        )
        unit = people.unit(rng, tables, front, nation.code, self.naval[warfare])
        kia_probability = self.mascal_kia_probability if mascal else self.kia_probability
        category_name = injuries.CATEGORY_NAMES[category]
        care = plan.care
        if care is None:
            drawn = draw_injury(rng, tables, category, warfare, kia_probability, female)
        else:  # the capacity pass drew the same from this stream and made the journey
            care_rng = self.care_rng
            reseed(care_rng, care_seed(self.seed_base, index))
            drawn = draw_injury(care_rng, tables, category, warfare, kia_probability, female)
        (killed, mechanism, band, conditions, region, injury, triage, precedence, disposition,
         delay) = drawn  # fmt: skip
        if care is None:
            onset = t0 + delay  # a biological agent: in care only once ill
            timeline, outcome, facility, when = self._journey(
                rng, killed, category_name, band, precedence, onset, disposition
            )
            if onset != t0:  # exposed at the release, in care only once ill
                timeline[0] = (t0, "POI", "injury")
        else:
            timeline, outcome = care.timeline(index)
            facility = None if outcome == "KIA" else timeline[-1][1]
            when = timeline[-1][0]
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
        if care is not None:
            first_care, surgery, expectant = care.care_times(index)
            record["minutes_to_first_care"] = _minutes(first_care)
            record["minutes_to_surgery"] = _minutes(surgery)
            record["expectant"] = expectant
        given: list[Treatment] = []
        requests: list[int] | None = None  # without clinical detail: no 9-lines written
        if tables.scenario.clinical_detail:
            given, requests = self._detail(rng, record, region, timeline, times, entries, injury)
            if care is not None:
                _care_after_waits(record, timeline, t0, care.care_times(index), clock)
        if self.tally is not None:
            self.tally.patient(
                category, front, triage, precedence, outcome, timeline, event,
                marked(kind, mascal), conditions, mechanism, nation.code, given, requests,
            )  # fmt: skip
        if self.playback is not None:
            self.playback.add(
                front, category, triage, outcome, precedence, timeline, entries, requests or []
            )
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
    ) -> tuple[list[Treatment], list[int]]:
        """Adds the clinical detail fields; re-triage goes onto the timeline `entries`.
        Returns the treatments given and the times 9-line requests were sent."""
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
        return clinical_detail(
            rng, self.tables, self.clock, casualty, timeline, times, entries, record
        )

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
