"""What a board shows, folded from the job's events in time order.

A facility board follows each casualty heading to, at, or just gone from its facility:
`announced` (a 9-line request or a departure towards it), `arrived` (the ATMIST
handover is given on arrival), `left` (departure, evacuation, return to duty or death
there). The evacuation cell board follows each 9-line request from `requested` to
`delivered` (arrival where it was going). The control summary counts casualties
announced and present per facility. Every fold takes only the events since the last one
(`BoardState.apply`), so a live board never rereads what it already knows.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jobs.exercises.events import Event
from jobs.exercises.models import EVAC_BOARD, FACILITY_BOARDS

# How long (exercise seconds) a casualty who left, or a request that was delivered,
# stays on a board before it drops off.
KEEP_AFTER_LEAVING = 30 * 60
LEAVING_KINDS = ("departure", "evacuated", "rtd", "death")


@dataclass
class BoardState:
    """The entries of one board (a facility, or `evac`) at the last position folded."""

    board: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Evacuation cell: (patient, destination) -> key of the request not yet delivered.
    pending: dict[tuple[str, str], str] = field(default_factory=dict)

    def apply(self, events: Iterable[Event]) -> set[str]:
        """Fold `events` (in time order) in; the keys of the entries that changed."""
        fold = self._fold_evac if self.board == EVAC_BOARD else self._fold_facility
        changed: set[str] = set()
        for event in events:
            key = fold(event)
            if key:
                changed.add(key)
        return changed

    def visible(self, position: float) -> dict[str, dict[str, Any]]:
        """Entries still on the board at `position` (the long gone have dropped off)."""
        return {key: e for key, e in self.entries.items() if not _gone(e, position)}

    def _fold_facility(self, event: Event) -> str | None:
        pid, board = event.patient_id, self.board
        entry = self.entries.get(pid)
        if event.to == board and event.kind in ("nine_line", "departure", "evacuated"):
            if entry is None or entry["stage"] == "left":
                self.entries[pid] = _entry(pid, "announced", event, came_from=event.facility)
            return pid
        if event.facility != board:
            return None
        if event.kind == "arrival":
            came_from = entry["from"] if entry else ""
            self.entries[pid] = _entry(pid, "arrived", event, came_from=came_from)
            return pid
        if entry is None:
            return None
        if event.kind in LEAVING_KINDS:
            entry.update(stage="left", since=event.position, left=event.kind, to=event.to)
        return pid  # a treatment or a handover: the card changed

    def _fold_evac(self, event: Event) -> str | None:
        if event.kind == "nine_line":
            key = f"{event.patient_id}:{event.facility}"
            self.entries[key] = _entry(
                event.patient_id, "requested", event, came_from=event.facility
            )
            self.entries[key]["to"] = event.to
            self.pending[(event.patient_id, event.to)] = key
            return key
        if event.kind == "arrival":
            delivered = self.pending.pop((event.patient_id, event.facility), None)
            if delivered is not None:
                self.entries[delivered].update(stage="delivered", delivered=event.position)
            return delivered
        return None


def _entry(pid: str, stage: str, event: Event, came_from: str) -> dict[str, Any]:
    return {
        "patient_id": pid,
        "stage": stage,
        "since": event.position,
        "from": came_from,
        "to": "",
        "left": "",
        "sequence": event.sequence,
    }


def _gone(entry: dict[str, Any], position: float) -> bool:
    if entry["stage"] == "left":
        return bool(position - entry["since"] > KEEP_AFTER_LEAVING)
    if entry["stage"] == "delivered":
        return bool(position - entry["delivered"] > KEEP_AFTER_LEAVING)
    return False


@dataclass
class ControlState:
    """Control's summary: casualties announced and present per facility, recent events."""

    announced: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)
    where: dict[str, str] = field(default_factory=dict)  # patient -> facility present at
    heading: dict[str, str] = field(default_factory=dict)  # patient -> facility announced to
    past: deque[Event] = field(default_factory=lambda: deque(maxlen=12))

    def apply(self, events: Iterable[Event]) -> None:
        for event in events:
            self._fold(event)

    def _fold(self, event: Event) -> None:
        pid = event.patient_id
        if event.kind in ("nine_line", "departure", "evacuated") and event.to in FACILITY_BOARDS:
            self._leave(pid)
            if self.heading.get(pid) != event.to:
                self._unannounce(pid)
                self.heading[pid] = event.to
                self.announced[event.to] += 1
        elif event.kind == "arrival" and event.facility in FACILITY_BOARDS:
            self._unannounce(pid)
            self.where[pid] = event.facility
            self.present[event.facility] += 1
        elif event.kind in ("rtd", "death"):
            self._leave(pid)
        if event.kind in INJECT_KINDS:
            self.past.append(event)

    def _leave(self, pid: str) -> None:
        facility = self.where.pop(pid, None)
        if facility:
            self.present[facility] -= 1

    def _unannounce(self, pid: str) -> None:
        facility = self.heading.pop(pid, None)
        if facility:
            self.announced[facility] -= 1

    def counts(self) -> list[dict[str, Any]]:
        return [
            {"facility": f, "announced": self.announced[f], "present": self.present[f]}
            for f in FACILITY_BOARDS
        ]


# The events control sees listed as injects: what a board or the evacuation cell gets.
INJECT_KINDS = ("injury", "nine_line", "arrival", "departure", "evacuated", "rtd", "death")
INJECT_LABELS = {
    "injury": "Casualty wounded",
    "nine_line": "9-line request",
    "arrival": "Arrives",
    "departure": "Departs",
    "evacuated": "Evacuated",
    "rtd": "Returns to duty",
    "death": "Dies",
}


def inject(event: Event) -> dict[str, Any]:
    """An event as control's inject list shows it."""
    where = f"{event.facility} → {event.to}" if event.to else event.facility
    return {
        "position": event.position,
        "kind": event.kind,
        "label": INJECT_LABELS.get(event.kind, event.kind),
        "patient_id": event.patient_id,
        "where": where,
        "front": event.front,
    }
