"""Reads `playback.bin` (generation/playback.py): who is where at a moment, and what
happened between two moments, without reading the patient files.

The file holds one fixed-size record per casualty in injury-time order, so the
casualties injured by a moment are a prefix, found by bisection. Of those, the ones
whose journey has not ended are found from a running maximum of the journeys' ends
(kept per file: 4 bytes a casualty), which is non-decreasing: every casualty before the
first index whose running maximum passes the moment has finished. Only the records in
between are read, through a memory map, so memory stays flat however large the job
(docs/playback.md).
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Self

import numpy as np
import numpy.typing as npt

from generation import playback

STEP = np.dtype(
    [("time", "<i4"), ("facility", "u1"), ("event", "u1"), ("triage", "u1"), ("pad", "u1")]
)
RECORD = np.dtype(
    [
        ("injury", "<i4"),
        ("end", "<i4"),
        ("front", "u1"),
        ("category", "u1"),
        ("triage", "u1"),
        ("outcome", "u1"),
        ("precedence", "u1"),
        ("steps", "u1"),
        ("requests", "u1"),
        ("pad", "u1"),
        ("request_time", "<i4"),
        ("step", STEP, (playback.MAX_STEPS,)),
    ]
)
assert RECORD.itemsize == playback.RECORD_SIZE
# Where a casualty is between two timeline steps: after `injury` at the point of injury
# (waiting for or under evacuation), after `arrival` at that facility, after
# `departure`/`evacuated` on the way to the next one.
POI, TRANSIT = "POI", "transit"
ARRIVAL = playback.EVENTS.index("arrival")
INJURY = playback.EVENTS.index("injury")
Rows = npt.NDArray[np.void]


class PlaybackError(ValueError):
    """The file is not a playback file this version can read."""


@dataclass(frozen=True)
class Presence:
    """A casualty somewhere at a moment."""

    index: int  # 0-based; the patient's sequence is index + 1
    front: int
    place: str  # POI, R1-R3 (R4 ends a journey), or transit
    heading: str  # for transit: the next facility; else the place itself
    since: int  # seconds after the start, when they got there (or left the last place)
    triage: str  # the latest: at injury, else the last re-triage on arrival
    category: str


@dataclass(frozen=True)
class Step:
    """One timeline step of one casualty."""

    index: int
    front: int
    time: int
    place: str
    event: str
    triage: str  # re-triage on arrival, else ""
    step: int  # position in the casualty's timeline
    previous_place: str  # where they were before this step ("" for the injury)
    next_place: str  # where the next step happens ("" after the last)
    next_event: str  # the next step's event ("" after the last)


# Place codes of `Present.place`: a facility's index (0 = POI, 1-3 = R1-R3), or transit.
TRANSIT_CODE = len(playback.FACILITIES)
PLACE_NAMES = (*playback.FACILITIES, TRANSIT)


@dataclass(frozen=True)
class Columns:
    """Parallel int64 columns (the dataclass's fields, `index` first), cut and filtered
    together: one row per casualty, step or request."""

    index: npt.NDArray[np.int64]

    @classmethod
    def empty(cls) -> Self:
        return cls(**{field.name: np.zeros(0, dtype=np.int64) for field in fields(cls)})

    def __len__(self) -> int:
        return len(self.index)

    def _columns(self) -> tuple[npt.NDArray[np.int64], ...]:
        return tuple(getattr(self, field.name) for field in fields(self))

    def _rows(self) -> Iterator[tuple[int, ...]]:
        """Each row as plain ints: indexing numpy scalars one by one costs ten times more."""
        return zip(*(column.tolist() for column in self._columns()), strict=True)

    def take(self, rows: npt.NDArray[np.bool_] | npt.NDArray[np.int64] | slice) -> Self:
        """The rows `rows` selects (a mask, indices or a slice) of every column."""
        return replace(
            self, **{field.name: getattr(self, field.name)[rows] for field in fields(self)}
        )

    def where(self, keep: npt.NDArray[np.bool_]) -> Self:
        return self.take(keep)

    def last(self, count: int) -> Self:
        """The last `count` rows (the latest)."""
        return self.take(slice(max(0, len(self) - count), None))


@dataclass(frozen=True)
class Present(Columns):
    """The casualties present at a moment, as parallel columns (codes as in the file)."""

    front: npt.NDArray[np.int64]
    place: npt.NDArray[np.int64]  # PLACE_NAMES index
    heading: npt.NDArray[np.int64]  # facility index: the place, or where a transit goes
    since: npt.NDArray[np.int64]
    triage: npt.NDArray[np.int64]
    category: npt.NDArray[np.int64]

    def counts(self, fronts: int) -> npt.NDArray[np.int64]:
        """[front, place code] -> casualties there."""
        flat = np.bincount(
            self.front * len(PLACE_NAMES) + self.place, minlength=fronts * len(PLACE_NAMES)
        )
        return flat[: fronts * len(PLACE_NAMES)].reshape(fronts, len(PLACE_NAMES))

    def latest(self, limit: int) -> Present:
        """The `limit` who got to their place last (ties: lower sequence first)."""
        return self.take(np.lexsort((self.index, -self.since))[:limit])

    def presences(self) -> list[Presence]:
        facilities, categories, triages = playback.FACILITIES, playback.CATEGORIES, playback.TRIAGE
        return [
            Presence(
                index,
                front,
                PLACE_NAMES[place],
                facilities[heading],
                since,
                triages[tri],
                categories[cat],
            )
            for index, front, place, heading, since, tri, cat in self._rows()
        ]


class PlaybackFile:
    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            head = handle.read(playback.HEADER.size)
        if len(head) < playback.HEADER.size:
            raise PlaybackError(f"{path.name}: too short for a playback header")
        magic, size, _, prefix = playback.HEADER.unpack(head)
        if magic != playback.MAGIC or size != playback.RECORD_SIZE:
            raise PlaybackError(f"{path.name}: not a playback file of this version")
        self.id_prefix = prefix.rstrip(b"\0").decode("ascii")
        body = path.stat().st_size - playback.HEADER.size
        self.count = body // size
        self.rows: Rows = (
            np.memmap(
                path, dtype=RECORD, mode="r", offset=playback.HEADER.size, shape=(self.count,)
            )
            if self.count
            else np.zeros(0, dtype=RECORD)
        )
        # Running maximum of the journeys' ends; see the module docstring.
        self._ends_so_far = np.maximum.accumulate(np.asarray(self.rows["end"], dtype=np.int32))

    def patient_id(self, index: int) -> str:
        return f"{self.id_prefix}{index + 1:07d}"

    def index_of(self, patient_id: str) -> int | None:
        """0-based index of an id of this job, or None."""
        if not patient_id.startswith(self.id_prefix):
            return None
        digits = patient_id[len(self.id_prefix) :]
        if not digits.isdigit() or not 1 <= int(digits) <= self.count:
            return None
        return int(digits) - 1

    def _injured_by(self, second: int) -> int:
        """How many casualties were injured at or before `second`."""
        injury = self.rows["injury"]
        return bisect.bisect_right(range(self.count), second, key=lambda i: int(injury[i]))

    def _open_from(self, second: int) -> int:
        """The first index whose journey may still be going on after `second`."""
        return int(np.searchsorted(self._ends_so_far, second, side="right"))

    def window(self, first: int, last: int) -> tuple[int, Rows]:
        """(offset, records) of the casualties whose journey overlaps [first, last]."""
        low, high = self._open_from(first), self._injured_by(last)
        return low, self.rows[low : max(low, high)]

    def present(self, second: int) -> list[Presence]:
        """Everyone injured at or before `second` whose journey has not ended by then."""
        return self.present_arrays(second).presences()

    def present_arrays(self, second: int) -> Present:
        """The same as columns, for counting and choosing without a Python object each."""
        low, rows = self.window(second, second)
        alive = rows["end"] > second
        indexes = np.nonzero(alive)[0] + low
        rows = rows[alive]
        steps = rows["step"]
        done = (steps["time"] <= second) & (np.arange(playback.MAX_STEPS) < rows["steps"][:, None])
        last = np.maximum(done.sum(axis=1) - 1, 0)  # times increase along a timeline
        picked = np.arange(len(rows))
        event = steps["event"][picked, last]
        facility = steps["facility"][picked, last]
        following = steps["facility"][picked, np.minimum(last + 1, playback.MAX_STEPS - 1)]
        place = np.where(event == INJURY, 0, np.where(event == ARRIVAL, facility, TRANSIT_CODE))
        # The latest re-triage among the steps done, else the triage at injury.
        retriaged = np.where(done & (steps["triage"] > 0), np.arange(playback.MAX_STEPS), -1)
        newest = retriaged.max(axis=1) if len(rows) else np.zeros(0, dtype=np.int64)
        triage = np.where(
            newest >= 0, steps["triage"][picked, np.maximum(newest, 0)], rows["triage"]
        )
        return Present(
            index=indexes.astype(np.int64),
            front=rows["front"].astype(np.int64),
            place=place.astype(np.int64),
            heading=np.where(place == TRANSIT_CODE, following, facility).astype(np.int64),
            since=steps["time"][picked, last].astype(np.int64),
            triage=triage.astype(np.int64),
            category=rows["category"].astype(np.int64),
        )

    def step_columns(self, first: int, stop: int) -> Steps:
        """Every timeline step with first <= time < stop, as columns in time order (ties:
        by casualty, then by position in the timeline)."""
        low, rows = self.window(first, max(first, stop - 1))
        if stop <= first or not len(rows):
            return Steps.empty()
        steps = rows["step"]
        times = steps["time"]
        count = rows["steps"].astype(np.int64)
        inside = (times >= first) & (times < stop)
        inside &= np.arange(playback.MAX_STEPS) < count[:, None]
        which, position = np.nonzero(inside)
        order = np.lexsort((position, which, times[which, position]))
        which, position = which[order], position[order]
        facility = steps["facility"].astype(np.int64)
        after = np.minimum(position + 1, playback.MAX_STEPS - 1)
        has_next = position + 1 < count[which]
        return Steps(
            index=which.astype(np.int64) + low,
            front=rows["front"][which].astype(np.int64),
            time=times[which, position].astype(np.int64),
            place=facility[which, position],
            event=steps["event"][which, position].astype(np.int64),
            triage=steps["triage"][which, position].astype(np.int64),
            step=position.astype(np.int64),
            previous_place=np.where(position > 0, facility[which, np.maximum(position - 1, 0)], -1),
            next_place=np.where(has_next, facility[which, after], -1),
            next_event=np.where(has_next, steps["event"][which, after].astype(np.int64), -1),
        )

    def request_columns(self, first: int, stop: int) -> Requests:
        """The 9-line requests sent at first <= time < stop, in time order: from the
        point of injury at the time the record holds, from Role 1 as it is left."""
        low, rows = self.window(first, max(first, stop - 1))
        if stop <= first or not len(rows):
            return Requests.empty()
        asked = rows["requests"] > 0
        steps = rows["step"]
        facility = steps["facility"].astype(np.int64)
        count = rows["steps"].astype(np.int64)
        # From the point of injury: to the first facility (the second step).
        sent = rows["request_time"].astype(np.int64)
        poi = np.nonzero(asked & (sent >= first) & (sent < stop))[0]
        # From Role 1: its departure (or evacuation), when the next step arrives elsewhere.
        times = steps["time"].astype(np.int64)
        position = np.arange(playback.MAX_STEPS - 1)
        leaving = (
            asked[:, None]
            & (facility[:, :-1] == 1)
            & (steps["event"][:, :-1] != ARRIVAL)
            & (steps["event"][:, 1:] == ARRIVAL)
            & (facility[:, 1:] != 1)
            & (position + 1 < count[:, None])
            & (times[:, :-1] >= first)
            & (times[:, :-1] < stop)
        )
        which, at = np.nonzero(leaving)
        index = np.concatenate([poi, which])
        time = np.concatenate([sent[poi], times[which, at]])
        order = np.lexsort((np.concatenate([np.zeros(len(poi), np.int64), at]), index, time))
        return Requests(
            index=(index + low)[order].astype(np.int64),
            front=rows["front"].astype(np.int64)[index][order],
            time=time[order],
            source=np.concatenate([np.zeros(len(poi), np.int64), np.ones(len(which), np.int64)])[
                order
            ],
            destination=np.concatenate([facility[poi, 1], facility[which, at + 1]])[order],
            step=np.concatenate([np.zeros(len(poi), np.int64), at.astype(np.int64)])[order],
        )

    def steps_between(self, first: int, stop: int) -> list[Step]:
        """`step_columns` as one `Step` each."""
        return self.step_columns(first, stop).steps()


@dataclass(frozen=True)
class Steps(Columns):
    """Timeline steps as parallel columns (codes as in the file; -1 for none)."""

    front: npt.NDArray[np.int64]
    time: npt.NDArray[np.int64]
    place: npt.NDArray[np.int64]
    event: npt.NDArray[np.int64]
    triage: npt.NDArray[np.int64]
    step: npt.NDArray[np.int64]
    previous_place: npt.NDArray[np.int64]
    next_place: npt.NDArray[np.int64]
    next_event: npt.NDArray[np.int64]

    def steps(self) -> list[Step]:
        places, events, triages = playback.FACILITIES, playback.EVENTS, playback.TRIAGE
        return [
            Step(
                index=index,
                front=front,
                time=time,
                place=places[place],
                event=events[event],
                triage=triages[triage],
                step=step,
                previous_place=places[before] if before >= 0 else "",
                next_place=places[after] if after >= 0 else "",
                next_event=events[following] if following >= 0 else "",
            )
            for (index, front, time, place, event, triage, step, before, after, following) in (
                self._rows()
            )
        ]


@dataclass(frozen=True)
class Request:
    """A 9-line MEDEVAC request: who, when, from where to where (`step`: the timeline
    position it leaves from)."""

    index: int
    front: int
    time: int
    source: str
    destination: str
    step: int


@dataclass(frozen=True)
class Requests(Columns):
    """9-line requests as parallel columns (places as facility codes)."""

    front: npt.NDArray[np.int64]
    time: npt.NDArray[np.int64]
    source: npt.NDArray[np.int64]
    destination: npt.NDArray[np.int64]
    step: npt.NDArray[np.int64]

    def requests(self) -> list[Request]:
        places = playback.FACILITIES
        return [
            Request(index, front, time, places[source], places[destination], step)
            for index, front, time, source, destination, step in self._rows()
        ]


_OPEN: OrderedDict[tuple[str, int, int], PlaybackFile] = OrderedDict()
_LOCK = threading.Lock()
_KEEP = 4  # files kept open per process: each costs its running maximum (4 B a casualty)


def open_playback(path: Path) -> PlaybackFile:
    """The file at `path`, opened once per process while it is unchanged."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        found = _OPEN.get(key)
        if found is not None:
            _OPEN.move_to_end(key)
            return found
    opened = PlaybackFile(path)
    with _LOCK:
        _OPEN[key] = opened
        while len(_OPEN) > _KEEP:
            _OPEN.popitem(last=False)
    return opened
