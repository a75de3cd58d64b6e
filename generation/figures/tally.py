"""The figures' raw counts, gathered as each patient is made, from the numbers the
engine already holds (seconds, indexes), and merged across chunks.

Hot: one `patient` call per casualty (compiled with mypyc, see native.py), so
everything here is typed lists and dicts indexed by small integers; names are put on
the numbers only once, when the merged tally is written (`document.py`). The same
counts come from records read back from the files (`from_records.py`): the tests hold
the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

# Constants are Final: compiled, they are read as native values instead of being looked
# up in the module's dictionary on every use.
HOUR: Final = 3600
DAY: Final = 86_400
TRIAGE: Final = ("T1", "T2", "T3", "T4", "DEAD")
OUTCOMES: Final = ("KIA", "DOW", "RTD", "EVACUATED")
PLACES: Final = ("POI", "R1", "R2", "R3", "R4")
PRECEDENCES: Final = ("urgent", "urgent_surgical", "priority", "routine")
CATEGORIES: Final = ("battle_injury", "non_battle_injury", "disease")
MARKED_KINDS: Final = ("mass_casualty", "offensive", "ambush", "mass_casualty")  # see marked()
TRIAGE_INDEX: Final = {name: i for i, name in enumerate(TRIAGE)}
OUTCOME_INDEX: Final = {name: i for i, name in enumerate(OUTCOMES)}
PLACE_INDEX: Final = {name: i for i, name in enumerate(PLACES)}
PRECEDENCE_INDEX: Final = {name: i for i, name in enumerate(PRECEDENCES)}
HELD: Final = (1, 2, 3)  # R1-R3 hold patients; arriving at R4 (out of theatre) ends a journey
# Care times: 5-minute buckets over the first 24 hours (10, 60 and 120 minutes fall on
# bucket edges), later times in one overflow count. Keys: first aid, first care, surgery.
BUCKET: Final = 300
BUCKETS: Final = 24 * 12
FIRST_AID: Final = 0
FIRST_CARE: Final = 1
SURGERY: Final = 2
# Procedures counted as surgery (damage-control or definitive) in the clinical tables:
# laparotomy, lower-limb amputation, appendectomy, open reduction with internal fixation
# (any bone; femur), excisional debridement of burn. Imaging, transfusion and wound
# irrigation are care, not surgical cases.
SURGICAL_CODES: Final = frozenset(
    {"86481000", "397117006", "80146002", "20701002", "57470004", "40872008"}
)
Timeline = list[tuple[int, str, str]]


def series(count: int) -> list[list[int]]:
    return [[] for _ in range(count)]


def bump(values: list[int], index: int, amount: int) -> None:
    """Add to `values[index]`, growing the list with zeros as needed."""
    if index >= len(values):
        values.extend([0] * (index + 1 - len(values)))
    values[index] += amount


def add_all(into: list[list[int]], other: list[list[int]]) -> None:
    while len(into) < len(other):
        into.append([])
    for i in range(len(other)):
        mine, theirs = into[i], other[i]
        if len(theirs) > len(mine):
            mine.extend([0] * (len(theirs) - len(mine)))
        for j in range(len(theirs)):
            mine[j] += theirs[j]


def add_counts(into: dict[str, int], other: dict[str, int]) -> None:
    for key, n in other.items():
        into[key] = into.get(key, 0) + n


def marked(kind: int, mascal: bool) -> int:
    """The marker of a casualty's event on the time axis: -1 none; else an index into
    MARKED_KINDS (0 a mass-casualty incident, 1-3 the special events, as plan kinds 3-5)."""
    if kind >= 3:
        return kind - 2
    return 0 if mascal else -1


@dataclass  # a dataclass: compiled classes travel pickled from render workers
class Tally:
    fronts: int = 1
    by_category: list[list[int]] = field(default_factory=list)  # [category][hour]
    by_front: list[list[int]] = field(default_factory=list)
    by_triage: list[list[int]] = field(default_factory=list)
    deaths: list[int] = field(default_factory=list)  # KIA + DOW per hour of death
    events: dict[int, list[int]] = field(default_factory=dict)  # event -> first, n, marker
    paths: dict[int, int] = field(default_factory=dict)  # path code (path_code) -> n
    arrivals: list[list[int]] = field(default_factory=list)  # [place][hour]
    # Census as changes at hour boundaries: +1 at the first boundary at or after an
    # arrival, -1 at the first at or after the leaving; summed up to boundary h, the
    # patients present at that instant.
    census: list[list[int]] = field(default_factory=list)
    surgical: list[list[int]] = field(default_factory=list)  # [place][day], first per role
    evac: list[list[int]] = field(default_factory=list)  # [precedence][hour], 9-lines sent
    care: list[list[int]] = field(default_factory=list)  # [key][5-minute bucket]
    care_over: list[int] = field(default_factory=list)  # [key], beyond 24 hours
    body_sites: dict[str, int] = field(default_factory=dict)  # display ("" systemic)
    conditions: dict[str, int] = field(default_factory=dict)  # code -> n
    displays: dict[str, str] = field(default_factory=dict)  # code -> display
    mechanisms: list[dict[str, int]] = field(default_factory=list)  # [category]
    triage: list[list[int]] = field(default_factory=list)  # [category][triage]
    outcomes: list[list[int]] = field(default_factory=list)  # [category][outcome]
    nationality: list[dict[str, int]] = field(default_factory=list)  # [front]

    @staticmethod
    def empty(fronts: int) -> Tally:
        return Tally(
            fronts=fronts,
            by_category=series(3),
            by_front=series(fronts),
            by_triage=series(len(TRIAGE)),
            arrivals=series(len(PLACES)),
            census=series(len(PLACES)),
            surgical=series(len(PLACES)),
            evac=series(len(PRECEDENCES)),
            care=series(3),
            care_over=[0, 0, 0],
            mechanisms=[{} for _ in range(3)],
            triage=[[0] * len(TRIAGE) for _ in range(3)],
            outcomes=[[0] * len(OUTCOMES) for _ in range(3)],
            nationality=[{} for _ in range(fronts)],
        )

    def patient(
        self,
        category: int,
        front: int,
        triage: str,
        precedence: str | None,
        outcome: str,
        timeline: Timeline,
        event: int,
        marker: int,
        conditions: list[dict[str, Any]],
        mechanism: str,
        nationality: str,
        treatments: list[tuple[int, str, str, str, tuple[str, str]]],
        requests: list[int] | None,
    ) -> None:
        """One casualty. Times in seconds after the start; `treatments` (time, place,
        code, display) in time order; `marker` from marked(); `requests` when each 9-line
        MEDEVAC request was sent, or None without clinical detail (then every move out of
        the point of injury or Role 1 counts as one, at the time of leaving)."""
        t0 = timeline[0][0]
        hour = t0 // HOUR
        triage_index = TRIAGE_INDEX[triage]
        outcome_index = OUTCOME_INDEX[outcome]
        bump(self.by_category[category], hour, 1)
        bump(self.by_front[front], hour, 1)
        bump(self.by_triage[triage_index], hour, 1)
        if outcome_index <= 1:  # KIA, DOW
            bump(self.deaths, timeline[len(timeline) - 1][0] // HOUR, 1)
        if marker >= 0:
            found = self.events.get(event)
            if found is None:
                self.events[event] = [t0, 1, marker]
            else:
                if t0 < found[0]:
                    found[0] = t0
                found[1] += 1
        self._journey(timeline, precedence, outcome_index, requests is None)
        if requests:
            asked = PRECEDENCE_INDEX[precedence] if precedence else 3
            for sent in requests:
                bump(self.evac[asked], sent // HOUR, 1)
        if treatments:
            self._treatments(t0, treatments)
        for condition in conditions:
            site = condition["body_site"]
            key: str = site["display"] if site else ""
            self.body_sites[key] = self.body_sites.get(key, 0) + 1
            code: str = condition["code"]
            n = self.conditions.get(code, 0)
            if n == 0:
                self.displays[code] = condition["display"]
            self.conditions[code] = n + 1
        mechanisms = self.mechanisms[category]
        mechanisms[mechanism] = mechanisms.get(mechanism, 0) + 1
        self.triage[category][triage_index] += 1
        self.outcomes[category][outcome_index] += 1
        nations = self.nationality[front]
        nations[nationality] = nations.get(nationality, 0) + 1

    def _journey(
        self, timeline: Timeline, precedence: str | None, outcome: int, moves: bool
    ) -> None:
        """Arrivals, census, first care, the path for the flow; with `moves`, a 9-line
        for every move out of the point of injury or Role 1."""
        t0 = timeline[0][0]
        code = 1  # the path: a base-8 digit per place (index + 1) after a leading 1
        here = 0
        arrived = 0
        first_arrival = True
        for i in range(1, len(timeline)):
            when, facility, step = timeline[i]
            if step.startswith("waiting_for"):  # capacity of care: a wait where it is
                continue
            place = PLACE_INDEX[facility]
            if place != here:
                code = code * 8 + place + 1
            if step == "arrival":
                bump(self.arrivals[place], when // HOUR, 1)
                if first_arrival:
                    self._care(FIRST_CARE, when - t0)
                    first_arrival = False
                if moves and here <= 1 and place != here:  # left the POI or R1: a 9-line
                    asked = PRECEDENCE_INDEX[precedence] if precedence else 3
                    bump(self.evac[asked], timeline[i - 1][0] // HOUR, 1)
                arrived = when
            elif 1 <= place <= 3:  # departure, death, rtd, evacuated: the stay ends
                census = self.census[place]
                bump(census, -(-arrived // HOUR), 1)
                bump(census, -(-when // HOUR), -1)
            here = place
        code = code * 8 + outcome  # the outcome as the last digit
        self.paths[code] = self.paths.get(code, 0) + 1

    def _treatments(
        self, t0: int, treatments: list[tuple[int, str, str, str, tuple[str, str]]]
    ) -> None:
        """First aid (the first treatment at the point of injury) and surgery: the time
        to the first, and a surgical case per role operating."""
        if treatments[0][1] == "POI":  # in time order: the point of injury comes first
            self._care(FIRST_AID, treatments[0][0] - t0)
        operated = 0  # a bit per role
        for when, place, code, _, _ in treatments:
            if code in SURGICAL_CODES:
                if not operated:
                    self._care(SURGERY, when - t0)
                bit = 1 << PLACE_INDEX[place]
                if not operated & bit:
                    operated |= bit
                    bump(self.surgical[PLACE_INDEX[place]], when // DAY, 1)

    def _care(self, key: int, seconds: int) -> None:
        bucket = (seconds - 1) // BUCKET if seconds > 0 else 0  # (0, 5 min] -> 0, ...
        if bucket >= BUCKETS:
            self.care_over[key] += 1
        else:
            bump(self.care[key], bucket, 1)

    def merge(self, other: Tally) -> None:
        for mine, theirs in (
            (self.by_category, other.by_category),
            (self.by_front, other.by_front),
            (self.by_triage, other.by_triage),
            (self.arrivals, other.arrivals),
            (self.census, other.census),
            (self.surgical, other.surgical),
            (self.evac, other.evac),
            (self.care, other.care),
            (self.triage, other.triage),
            (self.outcomes, other.outcomes),
        ):
            add_all(mine, theirs)
        add_all([self.deaths, self.care_over], [other.deaths, other.care_over])
        for event, (first, n, marker) in other.events.items():
            found = self.events.get(event)
            if found is None:
                self.events[event] = [first, n, marker]
            else:
                found[0] = min(found[0], first)
                found[1] += n
        for path, n in other.paths.items():
            self.paths[path] = self.paths.get(path, 0) + n
        add_counts(self.body_sites, other.body_sites)
        add_counts(self.conditions, other.conditions)
        for code, display in other.displays.items():
            self.displays.setdefault(code, display)
        for mine_d, theirs_d in zip(self.mechanisms, other.mechanisms, strict=True):
            add_counts(mine_d, theirs_d)
        for mine_n, theirs_n in zip(self.nationality, other.nationality, strict=True):
            add_counts(mine_n, theirs_n)

    def span(self) -> int:
        """Hours the hourly series reach."""
        longest = len(self.deaths)
        for group in (self.by_category, self.arrivals, self.census, self.evac):
            for values in group:
                longest = max(longest, len(values))
        return longest
