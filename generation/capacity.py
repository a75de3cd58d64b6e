"""The capacity pass: casualties competing for beds, treatment and surgical teams and lift.

Capacity couples casualties to each other, so it cannot be drawn patient by patient.
Before any chunk is rendered, one deterministic discrete-event simulation walks the
whole plan in time order (a heap of events: releases, then deaths, then steps, then
dispatches at each instant) and writes every casualty's final timeline into compact
integer columns (`CareColumns`); chunks read them, so the bytes are the same for any
chunk size or worker count. Every casualty's own draws (injury, the journey it would
have with unlimited care, its tolerance of waiting) come from its own care stream
(`care_draws.care_seed`), never from the order of evaluation.

The rules (docs/scenarios.md, "Capacity of care"):

- Moving on needs a bed at the next role first (reserved when the evacuation is
  accepted), then a seat in the leg's lift (ground or air, by precedence); the seat is
  busy for the lift's turnaround. If the next role has no free bed, the casualty is
  diverted to the nearest role further up the chain with one; if none has, it is held
  where it is (`waiting_for_evacuation`) until a bed frees.
- On arrival at Role 1 a treatment team, at the first Role 2 or 3 an urgent or urgent
  surgical injury a surgical team, is needed for `case_minutes` (`waiting_for_treatment`,
  `waiting_for_surgery`). Waiting lengthens the stay; the rest of the stay is as drawn.
- Queues serve urgent surgical, urgent, priority, routine, then the longest waiting.
- A T1 battle casualty that would have lived may die of wounds while waiting (the
  10-1-2 link of the journey, continued by `dow_waiting`, an estimate).
- Under mass-casualty pressure (a surgical queue promising more than `queue_hours`),
  a T1 battle casualty may be re-triaged expectant (T4): no surgery, comfort care.
"""

from __future__ import annotations

import gc
import heapq
import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generation import journey, people, reference
from generation.care_draws import STREAM_BITS, care_seed, draw_injury
from generation.clock import Clock
from generation.fastops import reseed
from generation.injuries import CATEGORY_NAMES
from generation.plan import BATTLE, DISEASE, KIND_MASCAL, SPECIAL_KINDS, Plan
from generation.scenario import Capacity
from generation.tables import Tables

PLACES = ("POI", "R1", "R2", "R3", "R4")
EVENTS = (
    "injury",
    "arrival",
    "departure",
    "death",
    "rtd",
    "evacuated",
    "waiting_for_evacuation",
    "waiting_for_treatment",
    "waiting_for_surgery",
)
OUTCOMES = ("KIA", "DOW", "RTD", "EVACUATED")
CHAIN = ("POI", "R1", "R2", "R3", "R4")
DAY = 86_400
NEVER = 1 << 62
_PLACE = {name: i for i, name in enumerate(PLACES)}
_EVENT = {name: i for i, name in enumerate(EVENTS)}
_RANK = {
    precedence: i
    for i, precedence in enumerate(("urgent_surgical", "urgent", "priority", "routine"))
}
# Event kinds, in the order they are handled at one instant: a bed freed at 10:00 is free
# for a casualty arriving at 10:00, and all who ask at one instant are served by rank.
_RELEASE, _DEATH, _STEP, _DISPATCH = 0, 1, 2, 3
_MASCAL_KINDS = (KIND_MASCAL, SPECIAL_KINDS["mass_casualty"])


@dataclass
class CareColumns:
    """Every casualty's timeline after capacity, as integer columns (no per-patient objects).

    Patient i's steps are `offsets[i]..offsets[i+1]-1`: `times` in seconds after the
    start, `codes` = place * 16 + event. `outcome` indexes OUTCOMES; `first_care` and
    `surgery` are seconds from injury (-1: none); `expectant` marks a re-triage to T4.
    """

    offsets: array[int]
    times: array[int]
    codes: array[int]
    outcome: array[int]
    first_care: array[int]
    surgery: array[int]
    expectant: array[int]
    report: dict[str, Any] = field(default_factory=dict)
    first: int = 0  # the casualty at position 0 (a slice holds a range of them)

    def timeline(self, index: int) -> tuple[list[tuple[int, str, str]], str]:
        """(timeline, outcome) of patient `index`."""
        i = index - self.first
        steps = []
        for k in range(self.offsets[i], self.offsets[i + 1]):
            code = self.codes[k]
            steps.append((self.times[k], PLACES[code >> 4], EVENTS[code & 15]))
        return steps, OUTCOMES[self.outcome[i]]

    def care_times(self, index: int) -> tuple[int, int, bool]:
        """(seconds to first care, to surgery (-1: none), expectant) of patient `index`."""
        i = index - self.first
        return self.first_care[i], self.surgery[i], self.expectant[i] == 1

    def slice(self, start: int, stop: int) -> CareColumns:
        """Casualties start..stop-1 alone (settled ones only), small enough to send."""
        a, b = start - self.first, stop - self.first
        low, high = self.offsets[a], self.offsets[b]
        return CareColumns(
            offsets=array("q", [offset - low for offset in self.offsets[a : b + 1]]),
            times=self.times[low:high],
            codes=self.codes[low:high],
            outcome=self.outcome[a:b],
            first_care=self.first_care[a:b],
            surgery=self.surgery[a:b],
            expectant=self.expectant[a:b],
            first=start,
        )


# -- resources ------------------------------------------------------------------------


class _Pool:
    """Identical servers (beds, teams or lift seats) and who may use them."""

    __slots__ = ("busy_until", "free", "ranks", "service")

    def __init__(self, size: int, service: int, ranks: tuple[int, ...]) -> None:
        self.free, self.service, self.ranks = size, service, ranks
        # Teams and lift: when each busy server frees, a heap. Freed lazily (expire),
        # not by an event each: only a queue needs to be woken when one frees.
        self.busy_until: list[int] = []


class _Resource:
    """Pools with one queue per precedence rank, and the figures the report needs."""

    def __init__(
        self, name: str, kind: str, place: str, front: str | None, pools: list[_Pool]
    ) -> None:
        self.name, self.kind, self.place, self.front, self.pools = name, kind, place, front, pools
        self.size = sum(pool.free for pool in pools)
        self.in_use = 0  # servers busy, over all pools
        self.queues: list[list[tuple[int, int, int, _Trip]]] = [[], [], [], []]
        self.live = 0  # casualties waiting (the queues also hold the dead, skipped lazily)
        self.fresh: list[_Trip] = []  # asked at this instant: may be diverted if not served
        self.dispatch_times: set[int] = set()  # dispatches on the heap
        # Figures
        self.last = 0
        self.busy_by_day: list[float] = []
        self.full_seconds = 0
        self.full_since = -1
        self.full_periods: list[tuple[int, int]] = []
        self.peak = 0
        self.max_queue = 0
        self.waited = 0
        self.served = 0
        self.wait_total = 0
        self.longest = 0

    def busy(self) -> int:
        return self.in_use

    def touch(self, now: int) -> None:
        """Account the occupancy since the last change, before a change at `now`."""
        busy = self.in_use
        t = self.last
        if not busy:
            self.last = now
            return
        while t < now:
            day = t // DAY
            end = min(now, (day + 1) * DAY)
            while len(self.busy_by_day) <= day:
                self.busy_by_day.append(0.0)
            self.busy_by_day[day] += busy * (end - t)
            t = end
        self.last = now

    def changed(self, now: int) -> None:
        """After a change at `now`: peaks and periods at 100 %."""
        busy = self.busy()
        self.peak = max(self.peak, busy)
        if busy >= self.size and self.full_since < 0:
            self.full_since = now
        elif busy < self.size and self.full_since >= 0:
            self.close_full(now)

    def close_full(self, now: int) -> None:
        if now > self.full_since:
            self.full_seconds += now - self.full_since
            self.full_periods.append((self.full_since, now))
        self.full_since = -1

    def room(self) -> bool:
        """A free server nobody waits for yet."""
        return self.size - self.in_use > self.live


# -- casualties in flight -------------------------------------------------------------

_BEGIN, _ARRIVE, _LEAVE = 0, 1, 2


class _Trip:
    """One casualty moving through the chain: the journey unlimited care would give it
    (route of roles with transit in and stay), and what capacity has made of it so far."""

    __slots__ = (
        "acc_wait",
        "alive",
        "arrived",
        "asked",
        "bed",
        "counts",
        "expectant",
        "expectant_draw",
        "first_care",
        "front",
        "index",
        "need",
        "next_bed",
        "operated",
        "outcome",
        "place",
        "pos",
        "precedence",
        "r4_transit",
        "rank",
        "ready",
        "roles",
        "serial",
        "stays",
        "step_codes",
        "step_times",
        "surgery",
        "surgical",
        "t0",
        "t1_battle",
        "threshold",
        "transits",
        "waiting_on",
    )

    def __init__(self, index: int, t0: int, front: int) -> None:
        self.index, self.t0, self.front = index, t0, front
        self.step_times: list[int] = []  # its timeline so far, as the columns hold it
        self.step_codes: list[int] = []
        # The route: roles in order, seconds of transit into each and of stay there.
        self.roles: list[str] = []
        self.transits: list[int] = []
        self.stays: list[int] = []
        self.pos = 0
        self.place = "POI"
        self.bed: _Resource | None = None  # held where it is
        self.next_bed: _Resource | None = None  # reserved where it goes
        self.need = ""
        self.ready = self.arrived = self.asked = t0
        self.acc_wait = 0
        self.threshold = NEVER  # waiting it survives; NEVER unless it could die of waiting
        self.counts = True  # waits count towards dying of wounds until surgery
        self.alive = True
        self.serial = 0  # invalidates queue entries and death checks once served
        self.waiting_on: _Resource | None = None
        self.first_care = self.surgery = -1
        self.operated = self.expectant = self.surgical = self.t1_battle = False
        self.expectant_draw = 1.0
        self.outcome = "RTD"
        self.r4_transit = -1
        self.rank = 3
        self.precedence = "routine"

    def add(self, time: int, place: str, event: str) -> int:
        times = self.step_times
        if times and time <= times[-1]:
            time = times[-1] + 1  # strictly increasing, as every timeline
        times.append(time)
        self.step_codes.append(_PLACE[place] * 16 + _EVENT[event])
        return time

    def role(self) -> str:
        return self.roles[self.pos]

    def leg(self, role: str, transit: int, stay: int) -> None:
        """Add a role to the route."""
        self.roles.append(role)
        self.transits.append(transit)
        self.stays.append(stay)


# -- the pass ---------------------------------------------------------------------------


def simulate(plan: Plan) -> CareColumns:
    """Run the capacity pass over the whole plan; O(N log N)."""
    capacity = plan.scenario.capacity
    assert capacity is not None
    # Casualties in flight and finished ones waiting for those before them to be written
    # are many live objects with no reference cycles to find: left on, the cyclic
    # collector walks them all again and again, making the pass quadratic (measured:
    # 100K took 13 times as long as 20K). Reference counting still frees everything.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Simulation(plan, capacity).run()
    finally:
        if collecting:
            gc.enable()


def stepwise(plan: Plan) -> _Simulation:
    """The pass, to be run a range at a time (`advance`, `out.slice`, then `result`)."""
    capacity = plan.scenario.capacity
    assert capacity is not None
    return _Simulation(plan, capacity)


class _Simulation:
    def __init__(self, plan: Plan, capacity: Capacity) -> None:
        self.plan, self.capacity = plan, capacity
        self.tables: Tables = plan.tables
        scenario = plan.scenario
        self.roles = scenario.care.roles
        self.present = tuple(r for r in ("R1", "R2", "R3") if r in self.roles)
        self.seed_base = plan.seed << STREAM_BITS
        self.rng = random.Random(0)
        self.heap: list[tuple[int, int, int, Any, int]] = []
        self.seq = 0
        self.finished: dict[int, _Trip] = {}
        # Tests hand in casualties they wrote themselves (a compiled class cannot be
        # subclassed by interpreted code); None: each casualty's own draws (start).
        self.make_trip: Callable[[int], _Trip | None] | None = None
        self.end = 0
        fronts: list[str | None] = (
            [front.name for front in scenario.fronts] if capacity.scope == "front" else [None]
        )
        self.case_seconds = {role: int(minutes * 60) for role, minutes in capacity.case_minutes}
        self.resources: list[_Resource] = []
        self.beds = [self._counted(front, "beds", capacity.beds) for front in fronts]
        self.teams = [self._counted(front, "teams", capacity.teams) for front in fronts]
        self.lifts = [self._lifts(front) for front in fronts]
        care = reference.care()
        self.mascal_threshold: int = reference.warfare()["mascal"]["threshold"]
        early = [(float(a), float(b)) for a, b in care["dow_timeliness"]["steps"] if a <= 120]
        late = [(float(a), float(b)) for a, b in care["dow_waiting"]["steps"] if a > 120]
        self.wait_steps = early + late
        expectant = care["capacity"]["expectant"]
        self.expectant_queue = int(expectant["queue_hours"] * 3600)
        self.expectant_probability = float(expectant["probability"])
        t1 = self.tables.outcomes[("battle_injury", "T1")]
        self.t1_dow = sum(t1.probability(key) for key in t1.values if key.startswith("DOW"))
        self.clock = Clock(scenario.start)
        self.dow_unlimited = self.dow_from_waiting = self.diverted = self.expectant_count = 0
        total = plan.total
        self.out = CareColumns(
            offsets=array("q", [0]),
            times=array("i"),
            codes=array("b"),
            outcome=array("b", [0]) * total,
            first_care=array("i", [-1]) * total,
            surgery=array("i", [-1]) * total,
            expectant=array("b", [0]) * total,
        )
        self.written = self.admitted = 0  # casualties settled, and started

    def _counted(
        self, front: str | None, kind: str, counts: tuple[tuple[str, int], ...]
    ) -> dict[str, _Resource]:
        result = {}
        for role, count in counts:
            if role not in self.roles:
                continue  # a limit on a role the chain does not have limits nothing
            if kind == "beds":
                label, seconds = "beds", 0
            else:
                label = "treatment teams" if role == "R1" else "surgical teams"
                seconds = self.case_seconds[role]
            pool = _Pool(count, seconds, (0, 1, 2, 3))
            result[role] = _Resource(f"{role} {label}", kind, role, front, [pool])
            self.resources.append(result[role])
        return result

    def _lifts(self, front: str | None) -> dict[str, _Resource]:
        result = {}
        for leg, modes in self.capacity.lift:
            pools = [
                _Pool(
                    lift.vehicles * lift.patients_per_trip,
                    int(lift.turnaround_minutes * 60),
                    tuple(_RANK[p] for p in PRECEDENCE_ORDER if p in lift.precedences),
                )
                for lift in modes
            ]
            names = " + ".join(f"{lift.vehicles} {lift.mode}" for lift in modes)
            result[leg] = _Resource(f"{leg} lift ({names})", "lift", leg, front, pools)
            self.resources.append(result[leg])
        return result

    # -- event loop ---------------------------------------------------------------------

    def push(self, time: int, kind: int, subject: Any, detail: int = 0) -> None:
        """An event: a resource or casualty (`subject`) and a number saying more."""
        self.seq += 1
        heapq.heappush(self.heap, (time, kind, self.seq, subject, detail))

    def run(self) -> CareColumns:
        """The whole pass: every casualty's columns and the figures."""
        self.advance(self.plan.total)
        return self.result()

    def advance(self, until: int) -> None:
        """Run until casualties 0..until-1 are settled (their columns final)."""
        plan = self.plan
        total = plan.total
        times = plan.times
        out = self.out
        heap, finished = self.heap, self.finished
        written, admitted = self.written, self.admitted
        while written < until:
            if admitted < total and (
                not heap
                or times[admitted] < heap[0][0]
                or (times[admitted] == heap[0][0] and heap[0][1] >= _STEP)
            ):
                trip = self.start(admitted) if self.make_trip is None else self.make_trip(admitted)
                admitted += 1
                if trip is not None:  # its first step is due now: no event needed
                    self.go(trip, trip.t0)
            elif heap:
                self.handle(heapq.heappop(heap))
            # Casualties are written in plan order as soon as all before them are done.
            while written in finished:
                trip = finished.pop(written)
                out.times.extend(trip.step_times)
                out.codes.extend(trip.step_codes)
                out.offsets.append(len(out.times))
                out.outcome[written] = OUTCOMES.index(trip.outcome)
                out.first_care[written], out.surgery[written] = trip.first_care, trip.surgery
                out.expectant[written] = 1 if trip.expectant else 0
                written += 1
        self.written, self.admitted = written, admitted

    def result(self) -> CareColumns:
        """After every casualty is settled: drain the rest and add the figures."""
        heap = self.heap
        while heap:  # releases after the last casualty's end: the figures need them
            self.handle(heapq.heappop(heap))
        for resource in self.resources:
            self.expire(resource, NEVER)
            resource.touch(max(resource.last, self.end))
            if resource.full_since >= 0:
                resource.close_full(max(resource.last, self.end))
        self.out.report = self.report()
        return self.out

    def handle(self, item: tuple[int, int, int, Any, int]) -> None:
        now, kind, _, subject, detail = item
        if kind == _RELEASE:  # a bed, freed by a death at a later time
            self.release(subject, subject.pools[0], now)
        elif kind == _DEATH:
            self.die_waiting(subject, detail, now)
        elif kind == _DISPATCH:
            self.dispatch(subject, now)
        else:
            trip, stage = subject, detail
            if stage == _BEGIN:
                self.go(trip, now)
            elif stage == _ARRIVE:
                self.arrive(trip, now)
            else:
                self.leave(trip, now)

    # -- one casualty's draws -------------------------------------------------------------

    def start(self, index: int) -> _Trip | None:
        """Draw the casualty's injury and unlimited-care journey; the trip to move now, or
        None: the KIA finish at once, the ill-after-incubation begin at their onset."""
        plan, tables, rng = self.plan, self.tables, self.rng
        t0 = plan.times[index]
        event = plan.event_of[index]
        category = plan.event_category[event]
        kind = plan.event_kind[event]
        mascal = kind in _MASCAL_KINDS or plan.event_size[event] >= self.mascal_threshold
        scenario = plan.scenario
        kia = scenario.mascal_kia_probability if mascal else scenario.kia_probability
        # The record's sex, from the record's own stream (sex-specific diseases).
        reseed(rng, self.seed_base + index)
        female = people.nation_and_sex(rng, tables, plan.event_front[event])[1]
        reseed(rng, care_seed(self.seed_base, index))
        drawn = draw_injury(rng, tables, category, plan.event_warfare[event], kia, female)
        killed, _, band, _, _, _, _, precedence, disposition, delay = drawn
        onset = t0 + delay  # a biological agent: in care only once ill
        front = plan.event_front[event] if self.capacity.scope == "front" else 0
        trip = _Trip(index, t0, front)
        if killed or precedence is None:
            timeline, _, _, _ = journey.killed_in_action(rng, tables, onset)
            timeline[0] = (t0, "POI", "injury")  # exposed at the release, if delayed
            for time, place, step in timeline:
                trip.add(time, place, step)
            trip.outcome = "KIA"
            self.finish(trip, timeline[-1][0])
            return None
        timeline, outcome, _, _ = journey.journey(
            rng, tables, CATEGORY_NAMES[category], band, precedence, onset, disposition
        )
        trip.add(t0, "POI", "injury")
        self._route(trip, timeline, outcome)  # the first leg from the onset
        trip.precedence, trip.rank = precedence, _RANK[precedence]
        trip.surgical = category != DISEASE and precedence in ("urgent", "urgent_surgical")
        trip.t1_battle = category == BATTLE and band == "T1"  # as the 10-1-2 link reads it
        # Tolerance of waiting and the expectant draw come after the journey's draws, so
        # the journey is exactly the one unlimited care gives.
        tolerance, jitter, trip.expectant_draw = rng.random(), rng.random(), rng.random()
        if outcome == "DOW":
            self.dow_unlimited += 1
        elif trip.t1_battle:
            trip.threshold = self._threshold(trip.transits[0], tolerance, jitter)
        if onset > t0:  # exposed now, ill later: it asks for care once ill
            trip.ready = trip.arrived = trip.asked = onset
            self.push(onset, _STEP, trip, _BEGIN)
            return None
        return trip

    def _route(self, trip: _Trip, timeline: journey.Timeline, outcome: str) -> None:
        """Roles visited with transit in and stay, from the unlimited-care timeline."""
        trip.outcome = outcome
        left = arrived = timeline[0][0]
        for time, place, step in timeline[1:]:
            if step == "arrival" and place != "R4":
                trip.leg(place, time - left, 0)
                arrived = time
            elif step == "arrival":  # R4, after strategic evacuation
                trip.r4_transit = time - left
            else:  # departure, or the outcome at the last role
                trip.stays[-1] = time - arrived
                left = time

    def _threshold(self, first_leg: int, tolerance: float, jitter: float) -> int:
        """Seconds of waiting after which this casualty dies of wounds; NEVER if it lives.

        The chance of DOW at a delay of m minutes is p(m) = D f(m) / (D f(m) + 1 - D), D
        the T1 table's DOW share and f the 10-1-2 factor continued by `dow_waiting`. The
        casualty lived at its own first leg L; it dies at the first step where the extra
        chance (p(m) - p(L)) / (1 - p(L)) exceeds its tolerance, a little into that step.
        """
        d = self.t1_dow
        minutes = first_leg / 60
        base = _factor(self.tables.dow_timeliness, minutes)
        p_base = d * base / (d * base + 1 - d)
        low = 0.0
        for limit, factor in self.wait_steps:
            if limit > minutes:
                p = d * factor / (d * factor + 1 - d)
                if (p - p_base) / (1 - p_base) > tolerance:
                    start = max(low, minutes)
                    into = min(30.0, limit - start) * jitter
                    return max(60, int((start - minutes + into) * 60))
            low = limit
        return NEVER

    def finish(self, trip: _Trip, when: int) -> None:
        trip.alive = False
        self.end = max(self.end, when)
        self.finished[trip.index] = trip

    # -- the way through the chain --------------------------------------------------------

    def go(self, trip: _Trip, now: int) -> None:
        """Ready to move on from where it is to the next role of its route."""
        trip.ready = now
        bed = self.beds[trip.front].get(trip.role())
        if bed is None:
            self.got_bed(trip, None, now)
        else:
            trip.need = "bed"
            self.request(trip, bed, now)

    def got_bed(self, trip: _Trip, bed: _Resource | None, now: int) -> None:
        trip.next_bed = bed
        leg = journey._legs(trip.place, trip.role())[0]
        lift = self.lifts[trip.front].get(leg)
        if lift is None:
            self.got_lift(trip, now)
        else:
            trip.need = "lift"
            self.request(trip, lift, now)

    def got_lift(self, trip: _Trip, now: int) -> None:
        if now > trip.ready:
            trip.add(trip.ready, trip.place, "waiting_for_evacuation")
        if trip.place != "POI":
            now = trip.add(now, trip.place, "departure")
            self.release_bed(trip.bed, now)
        trip.bed, trip.next_bed = trip.next_bed, None
        arrival = now + trip.transits[trip.pos]
        if self._needs_team(trip):  # asks at its arrival, in time order with the others
            self.push(arrival, _STEP, trip, _ARRIVE)
        else:  # nothing waits for its arrival: settled now, one event fewer
            self.arrive(trip, arrival)

    def _needs_team(self, trip: _Trip) -> bool:
        role = trip.role()
        if role not in self.teams[trip.front]:
            return False
        return role == "R1" or (trip.surgical and not trip.operated and role != "R1")

    def arrive(self, trip: _Trip, now: int) -> None:
        role = trip.place = trip.role()
        now = trip.arrived = trip.add(now, role, "arrival")
        stay = trip.stays[trip.pos]
        if trip.counts and trip.acc_wait >= trip.threshold:  # waited too long on the way
            self.died(trip, now + min(stay // 2, 1800), "")
            return
        teams = self.teams[trip.front]
        surgery_here = trip.surgical and not trip.operated and role in ("R2", "R3")
        team = teams.get(role) if (role == "R1" or surgery_here) else None
        if surgery_here and team is not None and trip.t1_battle and self._expectant(trip, team):
            surgery_here, team = False, None
        if team is None:
            self.got_team(trip, surgery_here, now)
        else:
            trip.need = "surgery" if surgery_here else "treatment"
            self.request(trip, team, now)

    def _expectant(self, trip: _Trip, team: _Resource) -> bool:
        """MASCAL triage: with the surgical queue this long, T1 may become expectant (T4)."""
        pool = team.pools[0]
        queued_seconds = team.live * pool.service // max(1, team.size)
        if (
            queued_seconds <= self.expectant_queue
            or trip.expectant_draw >= self.expectant_probability
        ):
            return False
        trip.expectant, trip.counts = True, False
        self.expectant_count += 1
        return True

    def got_team(self, trip: _Trip, surgery: bool, now: int) -> None:
        role = trip.place
        if now > trip.arrived:
            trip.add(
                trip.arrived, role, "waiting_for_surgery" if surgery else "waiting_for_treatment"
            )
        if trip.first_care < 0:
            trip.first_care = now - trip.t0
        if surgery:
            trip.surgery, trip.operated, trip.counts = now - trip.t0, True, False
        stay = trip.stays[trip.pos]
        if trip.expectant and trip.expectant_draw < self.expectant_probability / 2:
            # Half the expectant die of wounds during the stay (an estimate): the
            # others go on as drawn, without the surgery they were not given.
            self.died(trip, now + stay // 2, "")
            return
        self.push(now + stay, _STEP, trip, _LEAVE)

    def leave(self, trip: _Trip, now: int) -> None:
        if trip.pos + 1 < len(trip.roles):
            trip.pos += 1
            self.go(trip, now)
        elif trip.outcome == "EVACUATED":
            trip.ready = now
            lift = self.lifts[trip.front].get("R3-R4")
            if lift is None:
                self.evacuated(trip, now)
            else:
                trip.need = "strategic"
                self.request(trip, lift, now)
        else:
            now = trip.add(now, trip.place, "rtd" if trip.outcome == "RTD" else "death")
            self.release_bed(trip.bed, now)
            self.finish(trip, now)

    def evacuated(self, trip: _Trip, now: int) -> None:
        if now > trip.ready:
            trip.add(trip.ready, trip.place, "waiting_for_evacuation")
        now = trip.add(now, trip.place, "evacuated")
        self.release_bed(trip.bed, now)
        if trip.r4_transit >= 0:
            now = trip.add(now + trip.r4_transit, "R4", "arrival")
        self.finish(trip, now)

    def granted(self, trip: _Trip, resource: _Resource, now: int) -> None:
        need = trip.need
        if need == "bed":
            self.got_bed(trip, resource, now)
        elif need == "lift":
            self.got_lift(trip, now)
        elif need == "strategic":
            self.evacuated(trip, now)
        else:
            self.got_team(trip, need == "surgery", now)

    def died(self, trip: _Trip, when: int, waiting: str) -> None:
        """Dies of wounds at `when` where it is, after waiting for capacity."""
        if waiting:
            start = trip.arrived if waiting != "waiting_for_evacuation" else trip.ready
            trip.add(start, trip.place, waiting)
        when = trip.add(when, trip.place, "death")
        if trip.outcome != "DOW":  # one who would have died anyway is no extra death
            self.dow_from_waiting += 1
        trip.outcome = "DOW"
        for bed in (trip.bed, trip.next_bed):
            if bed is not None:
                self.push(when, _RELEASE, bed)
        trip.bed = trip.next_bed = None
        self.finish(trip, when)

    def die_waiting(self, trip: _Trip, serial: int, now: int) -> None:
        resource = trip.waiting_on
        if not trip.alive or trip.serial != serial or resource is None:
            return  # served (or diverted) in time
        resource.live -= 1
        trip.waiting_on = None
        need = trip.need
        if need in ("bed", "lift", "strategic"):
            self.died(trip, now, "waiting_for_evacuation")
        else:
            self.died(trip, now, f"waiting_for_{need}")

    # -- requests and resources -----------------------------------------------------------

    def request(self, trip: _Trip, resource: _Resource, now: int) -> None:
        """Queue `trip` for `resource`; served by rank at this instant's dispatch.

        Where nobody waits and more than one server is free, it is served at once: no
        one asking later at this instant can then find the resource full because of it
        (the last free server still goes by rank), and most requests take this path.
        """
        self.expire(resource, now)
        if not resource.live:
            for pool in resource.pools:
                if pool.free > 1 and trip.rank in pool.ranks:
                    resource.touch(now)
                    pool.free -= 1
                    resource.in_use += 1
                    resource.changed(now)
                    resource.served += 1
                    if pool.service:
                        heapq.heappush(pool.busy_until, now + pool.service)
                    trip.waiting_on = None
                    self.granted(trip, resource, now)
                    return
        trip.asked = now
        trip.waiting_on = resource
        trip.serial += 1
        heapq.heappush(resource.queues[trip.rank], (now, trip.index, trip.serial, trip))
        resource.live += 1
        resource.fresh.append(trip)
        self.schedule_dispatch(resource, now)
        if trip.threshold < NEVER and trip.counts and trip.place != "POI":
            due = now + max(0, trip.threshold - trip.acc_wait)
            self.push(due, _DEATH, trip, trip.serial)

    def schedule_dispatch(self, resource: _Resource, when: int) -> None:
        if when not in resource.dispatch_times:
            resource.dispatch_times.add(when)
            self.push(when, _DISPATCH, resource)

    def expire(self, resource: _Resource, now: int) -> None:
        """Free the servers whose case or trip ended by `now`, in time order."""
        pools = resource.pools
        while True:
            first: _Pool | None = None
            when = now + 1
            for pool in pools:
                if pool.busy_until and pool.busy_until[0] < when:
                    first, when = pool, pool.busy_until[0]
            if first is None:
                return
            heapq.heappop(first.busy_until)
            resource.touch(when)
            first.free += 1
            resource.in_use -= 1
            resource.changed(when)

    def dispatch(self, resource: _Resource, now: int) -> None:
        resource.dispatch_times.discard(now)
        self.expire(resource, now)
        resource.touch(now)
        served: list[_Trip] = []
        for pool in resource.pools:
            while pool.free > 0:
                trip = self._next(resource, pool)
                if trip is None:
                    break
                pool.free -= 1
                resource.in_use += 1
                resource.live -= 1
                self._served(resource, trip, now)
                if pool.service:
                    heapq.heappush(pool.busy_until, now + pool.service)
                served.append(trip)
        resource.changed(now)
        resource.max_queue = max(resource.max_queue, resource.live)
        if resource.live:  # still waiting: wake the queue when the next server frees
            frees = [pool.busy_until[0] for pool in resource.pools if pool.busy_until]
            if frees:
                self.schedule_dispatch(resource, min(frees))
        fresh, resource.fresh = resource.fresh, []
        for trip in served:
            self.granted(trip, resource, now)
        if resource.kind == "beds":
            for trip in fresh:  # asked now and not served: a full facility diverts
                if trip.alive and trip.waiting_on is resource:
                    self.divert(trip, resource, now)

    def _next(self, resource: _Resource, pool: _Pool) -> _Trip | None:
        for rank in pool.ranks:
            queue = resource.queues[rank]
            while queue:
                _, _, serial, trip = queue[0]
                heapq.heappop(queue)
                if trip.alive and trip.serial == serial and trip.waiting_on is resource:
                    return trip
        return None

    def _served(self, resource: _Resource, trip: _Trip, now: int) -> None:
        wait = now - trip.asked
        resource.served += 1
        if wait > 0:
            resource.waited += 1
            resource.wait_total += wait
            resource.longest = max(resource.longest, wait)
            if trip.counts:
                trip.acc_wait += wait
        trip.waiting_on = None
        trip.serial += 1

    def release(self, resource: _Resource, pool: _Pool, now: int) -> None:
        resource.touch(now)
        pool.free += 1
        resource.in_use -= 1
        resource.changed(now)
        if resource.live:
            self.schedule_dispatch(resource, now)

    def release_bed(self, resource: _Resource | None, now: int) -> None:
        if resource is not None:  # at this instant: whoever waits is served at its dispatch
            self.release(resource, resource.pools[0], now)

    def divert(self, trip: _Trip, full: _Resource, now: int) -> None:
        """To the nearest role further up the chain with a free bed, if there is one."""
        role = trip.role()
        beds = self.beds[trip.front]
        for other in self.present:
            resource = beds.get(other)
            if other <= role or (resource is not None and not resource.room()):
                continue
            full.live -= 1  # its queue entry is skipped lazily
            trip.waiting_on = None
            trip.serial += 1
            self.diverted += 1
            self._reroute(trip, other)
            if resource is None:
                self.got_bed(trip, None, now)
            else:
                self.request(trip, resource, now)
            return

    def _reroute(self, trip: _Trip, role: str) -> None:
        """Skip the roles before `role`: their transits add up, the stay is the last one's."""
        roles, pos = trip.roles, trip.pos
        transit, stay = trip.transits[pos], trip.stays[pos]
        last = pos
        for k in range(pos + 1, len(roles)):
            if roles[k] > role:
                break
            transit += trip.transits[k]
            stay = trip.stays[k]
            last = k
        if roles[last] != role:  # not on its way: the legs beyond at their modes
            for leg in journey._legs(roles[last], role):
                low, high, c = self.tables.transit_triangles[(leg, trip.precedence)]
                transit += int((low + (high - low) * c) * 60 * self.tables.transit_factor)
        roles[pos : last + 1] = [role]
        trip.transits[pos : last + 1] = [transit]
        trip.stays[pos : last + 1] = [stay]

    def report(self) -> dict[str, Any]:
        resources = []
        for r in self.resources:
            capacity_seconds = r.size * DAY
            by_day = [round(100 * busy / capacity_seconds, 1) for busy in r.busy_by_day]
            busiest = max(range(len(by_day)), key=lambda d: (by_day[d], -d)) if by_day else 0
            longest_first = sorted(r.full_periods, key=lambda p: (p[0] - p[1], p[0]))
            resources.append(
                {
                    "name": r.name,
                    "kind": r.kind,
                    "place": r.place,
                    "front": r.front,
                    "capacity": r.size,
                    "peak": r.peak,
                    "utilisation_by_day": by_day,  # % of capacity-time, day 1 first
                    "busiest_day": busiest + 1,
                    "busiest_day_utilisation": by_day[busiest] if by_day else 0.0,
                    "hours_at_capacity": round(r.full_seconds / 3600, 1),
                    "periods_at_capacity": [
                        [self.clock.iso(a), self.clock.iso(b)] for a, b in longest_first[:5]
                    ],
                    "max_queue": r.max_queue,
                    "served": r.served,
                    "waited": r.waited,
                    "longest_wait_minutes": round(r.longest / 60),
                    "mean_wait_minutes": round(r.wait_total / 60 / r.waited) if r.waited else 0,
                }
            )
        return {
            "scope": self.capacity.scope,
            "dow_unlimited": self.dow_unlimited,
            "dow_from_waiting": self.dow_from_waiting,
            "diverted": self.diverted,
            "expectant": self.expectant_count,
            "resources": resources,
        }


PRECEDENCE_ORDER = ("urgent_surgical", "urgent", "priority", "routine")


def _factor(steps: tuple[tuple[float, float], ...], minutes: float) -> float:
    for limit, factor in steps:
        if minutes <= limit:
            return factor
    return steps[-1][1]
