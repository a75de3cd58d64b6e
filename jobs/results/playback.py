"""Timeline playback of a completed job: who is where at a moment, what happened between
two moments, and a casualty's card as it stood at a moment.

Contract (also used by the live exercise boards):

- Moments are **minutes after the scenario start** (`job.scenario["start"]`), ints or
  floats; a moment before the start or after every journey has ended is valid (nobody is
  there). Returned times are ISO 8601 in the scenario's own time zone, with its offset.
- `state_at(job, minute, window=60, limit=None, place=None, front=None)`: a `State`:
  the casualties present at that moment (injured at or before it, journey not yet
  ended) with their place: `POI` (injured, waiting for or under evacuation), `R1`-`R3`
  (at that facility), or `transit` (between facilities, `heading` the next one); and,
  per front and place, counts of those present and of those arriving, leaving and dying
  in the `window` minutes up to the moment. R4 (out of theatre) ends a journey: arriving
  there counts as arriving, never present. `casualties` lists everyone present, or,
  with `place`/`front`, those there, and with `limit` only the `limit` who got there
  last; `present` and `matching` count them before the limit. The counts always cover
  everyone (tens of thousands can be present at once in a 100K job: ask for a `limit`
  when you only show some).
- `events_between(job, start, stop, fronts=None, latest=None)`: the `Event`s with start
  <= minute < stop (with `latest`, only the last that many), in time order (ties: by
  casualty, then in the order of their timeline): `injury`,
  `arrival`, `departure`, `death`, `rtd`, `evacuated`, and with clinical detail
  `nine_line` (each 9-line MEDEVAC request the casualty's record holds: from the point of
  injury a few minutes after the injury, from Role 1 as the casualty leaves it) and
  `atmist` (the ATMIST handover on each arrival). `fronts`: names to keep (None: all).
- `card_at(job, patient_id, minute)`: the casualty's card as it stood then, a dict:
  who they are, their injuries, the triage then (the last re-triage so far), where they
  are, and only the timeline steps, vital signs, treatments, handovers and 9-lines up to
  that moment; `outcome` only once it has happened. None if the id is not this job's or
  the casualty was not yet injured at that moment.

Every function raises `PlaybackUnavailable` for a job without a playback file (not
completed, made before playback existed, or stored where it cannot be memory-mapped).
Speed: a jump anywhere in a 100,000-casualty job answers in milliseconds (`make bench`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

import generation
from generation import playback
from generation.figures.from_records import TimeReader
from jobs.results.cards import read_patients  # the patient-file reader the cards use
from jobs.results.playback_store import (
    PLACE_NAMES,
    POI,
    TRANSIT,
    PlaybackFile,
    Presence,
    open_playback,
)

PLACES = (POI, TRANSIT, "R1", "R2", "R3")
# Each event's column in the window's counts: arriving, leaving, dying, or none.
KIND_OF_EVENT = np.array(
    [
        {"arrival": 0, "departure": 1, "evacuated": 1, "rtd": 1, "death": 2}.get(event, 3)
        for event in playback.EVENTS
    ],
    dtype=np.int64,
)


class PlaybackUnavailable(Exception):
    """This job has no playback to show; the message says why, for a person."""


@dataclass(frozen=True)
class Casualty:
    id: str
    sequence: int
    front: str
    place: str
    heading: str
    since: float  # minutes after the start, when they got to this place
    triage: str
    category: str


@dataclass(frozen=True)
class PlaceCount:
    front: str
    place: str
    present: int = 0
    arriving: int = 0
    leaving: int = 0
    dying: int = 0


@dataclass(frozen=True)
class State:
    minute: float
    time: str
    window: float
    casualties: list[Casualty]  # everyone present, or as chosen (see state_at)
    places: list[PlaceCount]
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # place -> counts
    present: int = 0  # everyone present
    matching: int = 0  # those matching the place and front asked for (before `limit`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Event:
    minute: float
    time: str
    kind: str
    id: str
    sequence: int
    front: str
    place: str  # where it happens
    source: str  # for arrival, atmist, nine_line: where from; else ""
    destination: str  # for nine_line: where to; else ""
    triage: str  # re-triage on arrival, else ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Playback:
    """A job's playback file with the scenario facts to name and time its contents."""

    def __init__(self, store: PlaybackFile, scenario: dict[str, Any]) -> None:
        self.store = store
        self.start = datetime.fromisoformat(scenario["start"])
        self.fronts = [front["name"] for front in scenario["fronts"]]
        self.clinical = bool(scenario.get("clinical_detail", True))

    def time(self, second: int) -> str:
        return (self.start + timedelta(seconds=second)).isoformat()

    def state_at(
        self,
        minute: float,
        window: float = 60,
        limit: int | None = None,
        place: str | None = None,
        front: str | None = None,
    ) -> State:
        second = _second(minute)
        present = self.store.present_arrays(second)
        grid = present.counts(len(self.fronts))
        counts: dict[tuple[str, str], dict[str, int]] = {}
        for f, name in enumerate(self.fronts):
            for p, where in enumerate(PLACE_NAMES):
                if grid[f, p]:
                    counts[(name, where)] = {"present": int(grid[f, p])}

        since = _second(minute - window)
        steps = self.store.step_columns(since + 1, second + 1)  # (moment - window, moment]
        kind = KIND_OF_EVENT[steps.event]  # 0 arriving, 1 leaving, 2 dying, 3 neither
        cells = len(self.fronts) * len(playback.FACILITIES) * 4
        flat = (steps.front * len(playback.FACILITIES) + steps.place) * 4 + kind
        tally = np.bincount(flat, minlength=cells).reshape(len(self.fronts), -1, 4)
        for f, name in enumerate(self.fronts):
            for p, where in enumerate(playback.FACILITIES):
                for k, key in enumerate(("arriving", "leaving", "dying")):
                    if tally[f, p, k]:
                        counts.setdefault((name, where), {})[key] = int(tally[f, p, k])
        places = [
            PlaceCount(front=name, place=where, **counts.get((name, where), {}))
            for name in self.fronts
            for where in (*PLACES, "R4")
        ]
        totals: dict[str, dict[str, int]] = {}
        for count in places:
            total = totals.setdefault(
                count.place, dict.fromkeys(("present", "arriving", "leaving", "dying"), 0)
            )
            for key in total:
                total[key] += getattr(count, key)
        chosen = present
        if place is not None:
            chosen = (
                chosen.where(chosen.place == PLACE_NAMES.index(place))
                if place in PLACE_NAMES
                else chosen.where(chosen.place < 0)
            )
        if front is not None:
            code = self.fronts.index(front) if front in self.fronts else -1
            chosen = chosen.where(chosen.front == code)
        matching = len(chosen)
        if limit is not None:
            chosen = chosen.latest(limit)
        return State(
            minute=minute,
            time=self.time(second),
            window=window,
            casualties=[self._casualty(who) for who in chosen.presences()],
            places=places,
            totals=totals,
            present=len(present),
            matching=matching,
        )

    def _casualty(self, who: Presence) -> Casualty:
        return Casualty(
            id=self.store.patient_id(who.index),
            sequence=who.index + 1,
            front=self.fronts[who.front],
            place=who.place,
            heading=who.heading,
            since=who.since / 60,
            triage=who.triage,
            category=who.category,
        )

    def events_between(
        self,
        start: float,
        stop: float,
        fronts: Iterable[str] | None = None,
        latest: int | None = None,
    ) -> list[Event]:
        first, end = _second(start), _second(stop)
        columns = self.store.step_columns(first, end)
        requests = self.store.request_columns(first, end)
        if fronts is not None:
            kept = [self.fronts.index(f) for f in fronts if f in self.fronts]
            columns = columns.where(np.isin(columns.front, kept))
            requests = requests.where(np.isin(requests.front, kept))
        if latest is not None:  # the last `latest` of the union are among these
            columns, requests = columns.last(latest), requests.last(latest)
        ranked: list[tuple[tuple[int, int, int], Event]] = []
        for step in columns.steps():
            base = self._base(step.index, step.front, step.time, step.place)
            source = step.previous_place if step.event == "arrival" else ""
            rank = (step.time, step.index, step.step * 3)
            ranked.append(
                (
                    rank,
                    Event(
                        kind=step.event, source=source, destination="", triage=step.triage, **base
                    ),
                )
            )
            if self.clinical and step.event == "arrival":  # the handover to this facility
                ranked.append(
                    (
                        (step.time, step.index, step.step * 3 + 1),
                        Event(
                            kind="atmist", source=source, destination=step.place, triage="", **base
                        ),
                    )
                )
        for request in requests.requests():  # sent as the casualty leaves (or soon after)
            base = self._base(request.index, request.front, request.time, request.source)
            ranked.append(
                (
                    (request.time, request.index, request.step * 3 + 2),
                    Event(
                        kind="nine_line",
                        source=request.source,
                        destination=request.destination,
                        triage="",
                        **base,
                    ),
                )
            )
        ranked.sort(key=lambda pair: pair[0])
        events = [event for _, event in ranked]
        return events[-latest:] if latest is not None else events

    def _base(self, index: int, front: int, second: int, place: str) -> dict[str, Any]:
        return {
            "minute": second / 60,
            "time": self.time(second),
            "id": self.store.patient_id(index),
            "sequence": index + 1,
            "front": self.fronts[front],
            "place": place,
        }

    def card_at(self, record: dict[str, Any], minute: float) -> dict[str, Any] | None:
        """The card of `record` (this job's) as it stood at `minute`."""
        second = _second(minute)
        reader = TimeReader(self.start)

        def done(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
            """The items up to the moment, their times in the scenario's zone."""
            kept = []
            for item in items or ():
                at = reader.seconds(item["time"])
                if at <= second:
                    kept.append({**item, "time": self.time(at)})
            return kept

        if reader.seconds(record["injury_time"]) > second:
            return None
        timeline = done(record["timeline"])
        triage = record["triage"]
        for entry in timeline:
            triage = entry.get("triage") or triage
        ended = reader.seconds(record["outcome_time"]) <= second
        last = timeline[-1]
        if ended:
            place = "—"
        elif last["event"] == "injury":
            place = POI
        elif last["event"] == "arrival":
            place = last["facility"]
        else:
            place = TRANSIT
        card = {
            key: record.get(key)
            for key in (
                "id", "sequence", "name", "sex", "age", "birth_date", "nationality", "blood_group",
                "rank", "unit", "service_number", "front", "category", "warfare_type",
                "mechanism", "injury_time", "event_id", "mass_casualty", "special_event",
                "conditions", "precedence", "transport",
            )
        }  # fmt: skip
        card.update(
            minute=minute,
            time=self.time(second),
            triage=triage,
            triage_at_injury=record["triage"],
            place=place,
            timeline=timeline,
            vitals=done(record.get("vitals")),
            treatments=done(record.get("treatments")),
            handovers=done(record.get("handovers")),
            medevac_requests=done(record.get("medevac_requests")),
            outcome=record["outcome"] if ended else None,
            outcome_facility=record["outcome_facility"] if ended else None,
            outcome_time=self.time(reader.seconds(record["outcome_time"])) if ended else None,
        )
        card["injury_time"] = self.time(reader.seconds(record["injury_time"]))
        return card


def _second(minute: float) -> int:
    return round(minute * 60)


def open_job(job: Any) -> Playback:
    """The playback of a completed job (a `jobs.models.Job`)."""
    output = job.outputs.filter(name=playback.FILENAME).first()
    if output is None:
        raise PlaybackUnavailable(
            "This job has no playback file (it is not finished, or was made before playback)."
        )
    try:
        path = Path(output.file.path)
    except NotImplementedError:
        raise PlaybackUnavailable("Playback needs the job's files on a local disk.") from None
    return Playback(open_playback(path), job.scenario)


def state_at(
    job: Any,
    minute: float,
    window: float = 60,
    limit: int | None = None,
    place: str | None = None,
    front: str | None = None,
) -> State:
    return open_job(job).state_at(minute, window, limit, place, front)


def events_between(
    job: Any,
    start: float,
    stop: float,
    fronts: Iterable[str] | None = None,
    latest: int | None = None,
) -> list[Event]:
    return open_job(job).events_between(start, stop, fronts, latest)


def card_at(job: Any, patient_id: str, minute: float) -> dict[str, Any] | None:
    player = open_job(job)
    index = player.store.index_of(patient_id)
    if index is None:
        return None
    record = read_record(job, index + 1)
    return player.card_at(record, minute)


def read_record(job: Any, sequence: int) -> dict[str, Any]:
    """A patient's full record: from the job's JSON, NDJSON or FHIR file, else made again
    by the engine (same scenario and seed give the same record)."""
    outputs = {output.name: output for output in job.outputs.all()}
    for name in ("patients.ndjson", "patients.json", "patients.fhir.ndjson"):
        if name in outputs:
            found = read_patients(outputs[name], sequence, sequence)
            if found:
                return found[0]
    scenario = generation.parse_scenario(job.scenario)
    plan = generation.make_plan(scenario, job.seed)
    return generation.generate_chunk(plan, sequence - 1, sequence)[0]
