"""The arrival plan: when, where and in which casualty event each casualty happens.

The plan holds exactly `total_patients` casualties as compact arrays, in injury-time
order, so that any range of patients can be generated alone from it. Steps:

1. Special events get their sizes and days (random day when none is given).
2. The other casualties are spread over days by the tempo profile, with day-to-day
   spread set by intensity, through an exact largest-remainder allocation.
3. Each casualty of a day gets a category from the injury mix; battle injuries are
   grouped into casualty events (intensity sets cluster size and mass-casualty chance),
   disease and non-battle injuries are events of one.
4. Every event gets a warfare type and a front by deficit (so realised shares track the
   configured ones), an hour from its hour-of-day pattern, and spreads its casualties
   over its window without leaving its day (an event that would run past midnight
   starts earlier).
5. Casualties are sorted by time; events are renumbered in order of first casualty.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from generation import reference
from generation.choice import Choice
from generation.fastops import below, exponential, pick
from generation.scenario import CATEGORIES, Scenario, SpecialEvent
from generation.tables import Tables, compile_tables, local_day_offset

DAY = 86_400
EVENT_BITS = 22  # room for 4M events in the packed sort key

KIND_SINGLE, KIND_GROUP, KIND_MASCAL = 0, 1, 2
SPECIAL_KINDS = {"offensive": 3, "ambush": 4, "mass_casualty": 5}
KIND_NAMES = ("single", "group", "mass_casualty", "offensive", "ambush", "mass_casualty")
BATTLE, NON_BATTLE, DISEASE = 0, 1, 2
# Compact per-event columns: 1-2 bytes for small codes, 4 for counts (a plan for 2M
# casualties stays within a few tens of MB). Seconds fit "i": 60 days < 2**31 s.
EVENT_TYPECODES = {"category": "b", "warfare": "b", "front": "h", "kind": "b", "size": "i"}


# Not frozen, and nothing changes a plan once built
# (docs/engine-api.md, internals: frozen-dataclasses).
@dataclass
class Plan:
    """Exactly `total` casualties in time order, plus their events."""

    scenario: Scenario
    seed: int
    times: array[int]  # seconds after scenario start, non-decreasing
    event_of: array[int]  # event index per casualty
    event_category: array[int]  # BATTLE / NON_BATTLE / DISEASE
    event_warfare: array[int]  # index into scenario.warfare
    event_front: array[int]  # index into scenario.fronts
    event_kind: array[int]  # KIND_* codes
    event_size: array[int]
    tables: Tables = field(repr=False, compare=False)

    @property
    def total(self) -> int:
        return len(self.times)


def make_plan(scenario: Scenario, seed: int, tables: Tables | None = None) -> Plan:
    """Build the arrival plan for exactly scenario.total_patients casualties."""
    tables = tables or compile_tables(scenario)
    builder = _PlanBuilder(scenario, tables, random.Random(f"medgen-plan:{seed}"))
    specials = builder.special_sizes()
    counts = allocate(
        scenario.total_patients - sum(s for _, s, _ in specials), builder.day_weights()
    )
    for day in range(scenario.days):
        builder.add_day(day, counts[day], [(e, size) for e, size, d in specials if d == day])
    return builder.finish(seed, tables)


def allocate(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder allocation: integers proportional to weights summing to total."""
    # sum() by hand, same order (docs/engine-api.md, internals: sum-of-floats).
    weight_sum = 0.0
    for weight in weights:
        weight_sum += weight
    scale = total / weight_sum
    exact = [w * scale for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def tempo_profile(tempo: str, days: int) -> list[float]:
    """Relative casualty weight per day for a tempo."""
    xs = [d / (days - 1) if days > 1 else 0.5 for d in range(days)]
    shapes: dict[str, Callable[[float, int], float]] = {
        "sustained": lambda x, d: 1.0,
        "escalating": lambda x, d: 0.4 + 1.4 * x,
        "declining": lambda x, d: 1.8 - 1.4 * x,
        "surge": lambda x, d: 0.5 + 1.5 * math.exp(-(((x - 0.4) / 0.2) ** 2)),
        "intermittent": lambda x, d: 1.3 if d % 2 == 0 else 0.4,
    }
    return [shapes[tempo](x, d) for d, x in enumerate(xs)]


class _PlanBuilder:
    def __init__(self, scenario: Scenario, tables: Tables, rng: random.Random) -> None:
        self.scenario, self.tables, self.rng = scenario, tables, rng
        self.intensity = reference.warfare()["intensity"][scenario.intensity]
        self.mascal = reference.warfare()["mascal"]
        self.specials = reference.warfare()["special_events"]
        self.category = Choice.of([(i, share) for i, (_, share) in enumerate(scenario.injury_mix)])
        self.start_offset = local_day_offset(scenario)
        self.warfare_deficit = _Deficit([share for _, share in scenario.warfare])
        self.front_deficit = _Deficit([front.share for front in scenario.fronts])
        self.events: dict[str, array[int]] = {
            key: array(code) for key, code in EVENT_TYPECODES.items()
        }
        self.times = array("i")
        self.event_of = array("i")

    # 1. special events and 2. days

    def special_sizes(self) -> list[tuple[SpecialEvent, int, int]]:
        """(event, size, 0-based day); sizes trimmed from the last so the total holds."""
        events = self.scenario.special_events
        sizes = [self.rng.randint(*event.size) for event in events]
        days = [(event.day or self.rng.randint(1, self.scenario.days)) - 1 for event in events]
        excess = sum(sizes) - self.scenario.total_patients
        for i in reversed(range(len(sizes))):
            cut = min(excess, sizes[i] - events[i].size[0]) if excess > 0 else 0
            sizes[i] -= cut
            excess -= cut
        return list(zip(events, sizes, days, strict=True))

    def day_weights(self) -> list[float]:
        sigma = self.intensity["day_sigma"]
        profile = tempo_profile(self.scenario.tempo, self.scenario.days)
        return [w * math.exp(self.rng.gauss(0, sigma) - sigma * sigma / 2) for w in profile]

    # 3. and 4. one day

    def add_day(self, day: int, count: int, specials: list[tuple[SpecialEvent, int]]) -> None:
        keys: list[int] = []
        per_category = [0, 0, 0]
        r = self.rng.random
        for _ in range(count):
            per_category[pick(self.category, r)] += 1
        for event, size in specials:
            if size:
                self.add_special(day, event, size, keys)
        self.add_battle_events(day, per_category[BATTLE], keys)
        for category in (NON_BATTLE, DISEASE):
            for _ in range(per_category[category]):
                self.add_event(day, category, KIND_SINGLE, 1, None, keys)
        keys.sort()
        mask = (1 << EVENT_BITS) - 1
        self.times.extend(key >> EVENT_BITS for key in keys)
        self.event_of.extend(key & mask for key in keys)

    def add_battle_events(self, day: int, remaining: int, keys: list[int]) -> None:
        while remaining > 0:
            warfare = self.warfare_deficit.pick(1)
            kind, size = self.event_size(warfare)
            size = min(size, remaining)
            self.add_event(day, BATTLE, kind, size, warfare, keys)
            remaining -= size

    def event_size(self, warfare: int) -> tuple[int, int]:
        spec = reference.warfare()["types"][self.tables.warfare_names[warfare]]
        if self.rng.random() < spec["mascal_probability"] * self.intensity["mascal"]:
            median, low, high = (
                self.mascal["size_median"],
                self.mascal["size_min"],
                self.mascal["size_max"],
            )
            size = round(median * math.exp(self.rng.gauss(0, 0.6)))
            return KIND_MASCAL, max(low, min(high, size))
        extra_mean = max(0.0, (spec["event_size_mean"] - 1) * self.intensity["cluster"])
        extra = int(exponential(self.rng, 1 / extra_mean)) if extra_mean > 0 else 0
        return (KIND_GROUP if extra else KIND_SINGLE), 1 + extra

    def add_special(self, day: int, event: SpecialEvent, size: int, keys: list[int]) -> None:
        spec = self.specials[event.type]
        warfare = self.warfare_deficit.pick(size)
        hour = self.rng.choice(spec["start_hours"])
        window = self.rng.uniform(*spec["window_minutes"]) * 60
        self.add_event(day, BATTLE, SPECIAL_KINDS[event.type], size, warfare, keys, hour, window)

    def add_event(
        self,
        day: int,
        category: int,
        kind: int,
        size: int,
        warfare: int | None,
        keys: list[int],
        hour: int | None = None,
        window: float | None = None,
    ) -> None:
        """Record one event and push its casualties' packed (time, event) keys."""
        rng = self.rng
        if warfare is None:
            warfare = self.warfare_deficit.pick(size)
        else:
            self.warfare_deficit.add(warfare, size)
        events = self.events
        index = len(events["size"])
        events["category"].append(category)
        events["warfare"].append(warfare)
        events["front"].append(self.front_deficit.pick(size))
        events["kind"].append(kind)
        events["size"].append(size)
        if hour is None:
            hours = (
                self.tables.warfare_hours[warfare] if category == BATTLE else self.tables.dnbi_hours
            )
            hour = pick(hours, rng.random)
        local = (hour * 3600 + below(rng, 3600) - self.start_offset) % DAY
        day_start, day_end = day * DAY, (day + 1) * DAY - 1
        first = day_start + local
        if window is None:
            window = self._window(kind)
        if size == 1:  # most events: one casualty at the event's time, no draw
            keys.append((first << EVENT_BITS) | index)
            return
        # An event that would run past midnight starts earlier instead: its casualties
        # stay together (and in their day, which the plan's order relies on).
        latest = day_end - int(window)
        if first > latest:
            first = latest if latest > day_start else day_start
        for _ in range(size):
            time = first + int(rng.random() * window)
            time = time if time <= day_end else day_end
            keys.append((time << EVENT_BITS) | index)

    def _window(self, kind: int) -> float:
        if kind == KIND_MASCAL:
            return self.rng.uniform(*self.mascal["window_minutes"]) * 60
        return 20 * 60.0

    # 5. finish

    def finish(self, seed: int, tables: Tables) -> Plan:
        """Renumber events in order of their first casualty and freeze the arrays."""
        count = len(self.events["size"])
        old_to_new = array("i", [-1]) * count
        order = array("i")
        for old in self.event_of:
            if old_to_new[old] < 0:
                old_to_new[old] = len(order)
                order.append(old)
        for i, old in enumerate(self.event_of):  # in place: no second copy of N ints
            self.event_of[i] = old_to_new[old]
        del old_to_new
        reordered = {}
        for key in EVENT_TYPECODES:  # one array at a time keeps the peak low
            values = self.events.pop(key)
            reordered[key] = array(values.typecode, (values[old] for old in order))
            del values
        return Plan(
            scenario=self.scenario,
            seed=seed,
            times=self.times,
            event_of=self.event_of,
            event_category=reordered["category"],
            event_warfare=reordered["warfare"],
            event_front=reordered["front"],
            event_kind=reordered["kind"],
            event_size=reordered["size"],
            tables=tables,
        )


class _Deficit:
    """Assigns items to buckets so realised totals track target shares closely."""

    def __init__(self, shares: list[float]) -> None:
        self.shares = shares
        self.assigned = [0] * len(shares)
        self.total = 0

    def pick(self, size: int) -> int:
        """The bucket furthest below its share once `size` more are assigned (first on ties)."""
        after = self.total + size
        assigned = self.assigned
        best, most = 0, self.shares[0] * after - assigned[0]
        for i in range(1, len(assigned)):
            gap = self.shares[i] * after - assigned[i]
            if gap > most:
                best, most = i, gap
        self.add(best, size)
        return best

    def add(self, bucket: int, size: int) -> None:
        self.assigned[bucket] += size
        self.total += size


__all__ = ["CATEGORIES", "KIND_NAMES", "Plan", "allocate", "make_plan", "tempo_profile"]
