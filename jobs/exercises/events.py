"""The events of a finished job in time order, and a casualty's card as it stood at a moment.

This is the minimal query an exercise needs over the job's own output, until the
dashboard's playback store (issue 10) offers the same: `events_between` and `card_at`
keep its names so the boards can move over without changing.

How: the job's `patients.ndjson` (else `patients.json`; both hold one record per line)
is read once per process and job attempt into an `EventIndex`: every timeline entry,
9-line request, ATMIST handover and treatment as a small tuple, sorted by time, plus
each record's byte range in the file. A query bisects the sorted times, so a board's
update reads only the events that fell due since its last one; a card reads its one
record line (a seek and a read), never the whole file. The index of a 10,000-casualty
job with clinical detail holds about 200,000 events (~30 MB) and takes about a second
to build; the last few indexes are kept (`CACHE_SIZE`).

Times are seconds of scenario time after the scenario's start (`position`), the unit
of `jobs.exercises.clock`.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from jobs.exercises.cards import card_from_record
from jobs.exercises.times import seconds_after
from jobs.runs.models import Job

SOURCES = ("patients.ndjson", "patients.json")
CACHE_SIZE = 4

# Order of events at the same second of one casualty: the order they happen in.
KIND_ORDER = {
    "injury": 0,
    "treatment": 1,
    "nine_line": 2,
    "departure": 3,
    "evacuated": 3,
    "arrival": 4,
    "atmist": 5,
    "death": 6,
    "rtd": 6,
}


class NoEventSource(Exception):
    """The job has no file the events can be read from (JSON or NDJSON)."""


class Event(NamedTuple):
    """One thing that happens to one casualty at one moment."""

    position: float  # seconds after the scenario's start
    kind: str  # a key of KIND_ORDER
    facility: str  # where it happens (a 9-line: where the pickup is)
    to: str  # where the casualty goes next (departure, evacuated, 9-line, ATMIST), or ""
    patient_id: str
    sequence: int
    front: str


@dataclass
class EventIndex:
    """Every event of a job, sorted, with where each record's line lies in its file."""

    source: str  # storage name of the file the cards are read from
    start: datetime  # the scenario's start: position 0
    events: list[Event]
    positions: list[float]
    lines: dict[str, tuple[int, int]]  # patient id -> (offset, length) of its line
    fronts: dict[str, str]  # patient id -> front

    @property
    def last_position(self) -> float:
        return self.positions[-1] if self.positions else 0.0

    def between(self, after: float, until: float, fronts: Iterable[str] = ()) -> list[Event]:
        """Events with `after` < position <= `until`, in time order, of `fronts` (all if empty)."""
        low = bisect.bisect_right(self.positions, after)
        high = bisect.bisect_right(self.positions, until)
        wanted = set(fronts)
        selected = self.events[low:high]
        return [event for event in selected if event.front in wanted] if wanted else selected

    def next_position(self, after: float, fronts: Iterable[str] = ()) -> float | None:
        """The first event time after `after` (of `fronts`), or None when nothing follows."""
        wanted = set(fronts)
        index = bisect.bisect_right(self.positions, after)
        while index < len(self.events):
            event = self.events[index]
            if not wanted or event.front in wanted:
                return event.position
            index += 1
        return None

    def following(
        self, after: float, fronts: Iterable[str], kinds: Iterable[str], limit: int
    ) -> list[Event]:
        """The first `limit` events of `kinds` after `after` (of `fronts`)."""
        wanted, kinds = set(fronts), set(kinds)
        found: list[Event] = []
        index = bisect.bisect_right(self.positions, after)
        while index < len(self.events) and len(found) < limit:
            event = self.events[index]
            if event.kind in kinds and (not wanted or event.front in wanted):
                found.append(event)
            index += 1
        return found


_cache: OrderedDict[tuple[str, int], EventIndex] = OrderedDict()
_lock = threading.Lock()


def index_for(job: Job) -> EventIndex:
    """The job's event index, built on first use in this process (raises NoEventSource)."""
    key = (str(job.pk), job.attempt)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    index = build_index(job)
    with _lock:
        _cache[key] = index
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def events_between(job: Job, after: float, until: float, fronts: Iterable[str] = ()) -> list[Event]:
    """The job's events with `after` < position <= `until`, in time order."""
    return index_for(job).between(after, until, fronts)


def card_at(job: Job, patient_id: str, position: float) -> dict[str, Any] | None:
    """The casualty's card as it stood at `position`: nothing that happens later."""
    return cards_at(job, [patient_id], position).get(patient_id)


def cards_at(job: Job, patient_ids: Iterable[str], position: float) -> dict[str, dict[str, Any]]:
    """Cards of several casualties at `position`, reading each one's line once."""
    index = index_for(job)
    wanted = [pid for pid in dict.fromkeys(patient_ids) if pid in index.lines]
    if not wanted:
        return {}
    cards: dict[str, dict[str, Any]] = {}
    with job.outputs.get(name=index.source).file.open("rb") as handle:
        for pid in sorted(wanted, key=lambda p: index.lines[p][0]):
            offset, length = index.lines[pid]
            handle.seek(offset)
            record = orjson.loads(handle.read(length))
            cards[pid] = card_from_record(record, index.start, position)
    return cards


def build_index(job: Job) -> EventIndex:
    """Read the job's patient file once, line by line, into an EventIndex."""
    outputs = {output.name: output for output in job.outputs.all()}
    source = next((name for name in SOURCES if name in outputs), None)
    if source is None:
        raise NoEventSource("the job has no patients.ndjson or patients.json file")
    start = datetime.fromisoformat(job.scenario["start"])
    keyed: list[tuple[float, int, int, Event]] = []
    lines: dict[str, tuple[int, int]] = {}
    fronts: dict[str, str] = {}
    with outputs[source].file.open("rb") as handle:
        offset = 0
        for line in handle:
            length = len(line)
            body = line.rstrip(b",\r\n")
            if body.startswith(b"{"):
                record = orjson.loads(body)
                lines[record["id"]] = (offset, len(body))
                fronts[record["id"]] = record["front"]
                for event in record_events(record, start):
                    keyed.append((event.position, event.sequence, KIND_ORDER[event.kind], event))
            offset += length
    keyed.sort(key=lambda item: item[:3])
    events = [item[3] for item in keyed]
    return EventIndex(source, start, events, [e.position for e in events], lines, fronts)


def record_events(record: dict[str, Any], start: datetime) -> list[Event]:
    """The events of one patient record (output contract), unsorted."""
    pid, sequence, front = record["id"], record["sequence"], record["front"]

    def event(time: str, kind: str, facility: str, to: str = "") -> Event:
        return Event(seconds_after(time, start), kind, facility, to, pid, sequence, front)

    timeline = record["timeline"]
    found = []
    for number, entry in enumerate(timeline):
        leaving = entry["event"] in ("departure", "evacuated")
        following = timeline[number + 1]["facility"] if number + 1 < len(timeline) else ""
        found.append(
            event(entry["time"], entry["event"], entry["facility"], following if leaving else "")
        )
    for request in record.get("medevac_requests") or ():
        found.append(event(request["time"], "nine_line", request["from"], request["to"]))
    for handover in record.get("handovers") or ():
        found.append(event(handover["time"], "atmist", handover["from"], handover["to"]))
    for treatment in record.get("treatments") or ():
        found.append(event(treatment["time"], "treatment", treatment["facility"]))
    return found
