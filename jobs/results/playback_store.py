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
from dataclasses import dataclass
from pathlib import Path

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
        ("pad", "u2"),
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
        low, rows = self.window(second, second)
        alive = rows["end"] > second
        indexes = np.nonzero(alive)[0]
        rows = rows[alive]
        if not len(rows):
            return []
        steps = rows["step"]
        done = (steps["time"] <= second) & (np.arange(playback.MAX_STEPS) < rows["steps"][:, None])
        last = done.sum(axis=1) - 1  # times increase along a timeline
        picked = np.arange(len(rows))
        event = steps["event"][picked, last]
        facility = steps["facility"][picked, last]
        since = steps["time"][picked, last]
        following = steps["facility"][picked, np.minimum(last + 1, playback.MAX_STEPS - 1)]
        # The latest re-triage among the steps done, else the triage at injury.
        retriaged = np.where(done & (steps["triage"] > 0), np.arange(playback.MAX_STEPS), -1)
        newest = retriaged.max(axis=1)
        triage = np.where(
            newest >= 0, steps["triage"][picked, np.maximum(newest, 0)], rows["triage"]
        )
        facilities, categories, triages = playback.FACILITIES, playback.CATEGORIES, playback.TRIAGE
        result = []
        # Plain lists from here: indexing numpy scalars one by one costs ten times more.
        for offset, front, ev, fac, nxt, when, tri, cat in zip(
            (indexes + low).tolist(),
            rows["front"].tolist(),
            event.tolist(),
            facility.tolist(),
            following.tolist(),
            since.tolist(),
            triage.tolist(),
            rows["category"].tolist(),
            strict=True,
        ):
            if ev == INJURY:
                place = heading = POI
            elif ev == ARRIVAL:
                place = heading = facilities[fac]
            else:
                place, heading = TRANSIT, facilities[nxt]
            result.append(
                Presence(offset, front, place, heading, when, triages[tri], categories[cat])
            )
        return result

    def steps_between(self, first: int, stop: int) -> list[Step]:
        """Every timeline step with first <= time < stop, in time order (ties: by
        casualty, then by position in the timeline)."""
        if stop <= first:
            return []
        low, rows = self.window(first, stop - 1)
        if not len(rows):
            return []
        steps = rows["step"]
        times = steps["time"]
        inside = (times >= first) & (times < stop)
        inside &= np.arange(playback.MAX_STEPS) < rows["steps"][:, None]
        which, position = np.nonzero(inside)
        order = np.lexsort((position, which, times[which, position]))
        result = []
        for k in order:
            row, pos = int(which[k]), int(position[k])
            step = steps[row, pos]
            before = playback.FACILITIES[int(steps["facility"][row, pos - 1])] if pos else ""
            more = pos + 1 < int(rows["steps"][row])
            after = steps[row, pos + 1] if more else None
            result.append(
                Step(
                    index=low + row,
                    front=int(rows["front"][row]),
                    time=int(step["time"]),
                    place=playback.FACILITIES[int(step["facility"])],
                    event=playback.EVENTS[int(step["event"])],
                    triage=playback.TRIAGE[int(step["triage"])],
                    step=pos,
                    previous_place=before,
                    next_place=playback.FACILITIES[int(after["facility"])] if after else "",
                    next_event=playback.EVENTS[int(after["event"])] if after else "",
                )
            )
        return result


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
