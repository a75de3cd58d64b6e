"""`playback.bin`: every casualty's journey as fixed-size binary records, for playback.

Written by the runner when asked (jobs ask), one record per patient in sequence order,
which is injury-time order. A reader maps the file and answers "who is where at time t"
from the records injured by t (a bisect on the sorted injury times) whose journey has
not ended by t, without an index and without reading the patient files
(docs/playback.md). All times are seconds after the scenario start.

Layout, little-endian: a 32-byte header, then `count` records of RECORD_SIZE bytes:

    header: magic b"MGPLAY02", u32 record size, u32 count (0 in the header written
            first: the reader counts records from the file size), 16 bytes id prefix
            (ASCII, NUL-padded: a patient's id is the prefix + 7-digit sequence)
    record: i32 injury, i32 end (outcome time), u8 front (index in the scenario's
            fronts), u8 category, u8 triage, u8 outcome, u8 precedence, u8 steps,
            u8 requests (1: a 9-line MEDEVAC request was sent for every move out of
            the point of injury or Role 1), 1 pad, i32 when the request from the point
            of injury was sent (-1 if none); then MAX_STEPS steps of: i32 time,
            u8 facility, u8 event, u8 triage (the re-triage on arrival, 0 if none),
            1 pad; steps beyond `steps` are zero.
"""

from __future__ import annotations

import struct
from typing import Any, Final

MAGIC = b"MGPLAY02"
MAX_STEPS = 8  # injury, 3 x (arrival, departure), then outcome: at most 8 (journey.py)
HEADER = struct.Struct("<8sII16s")
RECORD = struct.Struct("<iiBBBBBBBxi" + "iBBBx" * MAX_STEPS)
RECORD_SIZE = RECORD.size  # 84
HEAD_FIELDS = 10  # values before the steps
FILENAME = "playback.bin"
CONTENT_TYPE = "application/octet-stream"

# Codes: index in each tuple (0 = none where that can happen).
FACILITIES = ("POI", "R1", "R2", "R3", "R4")
EVENTS = ("injury", "arrival", "departure", "death", "rtd", "evacuated")
TRIAGE = ("", "T1", "T2", "T3", "T4", "DEAD")
CATEGORIES = ("battle_injury", "non_battle_injury", "disease")
OUTCOMES = ("KIA", "DOW", "RTD", "EVACUATED")
PRECEDENCES = ("", "urgent", "urgent_surgical", "priority", "routine")

_FACILITY = {name: i for i, name in enumerate(FACILITIES)}
_EVENT = {name: i for i, name in enumerate(EVENTS)}
_TRIAGE = {name: i for i, name in enumerate(TRIAGE)}
_OUTCOME = {name: i for i, name in enumerate(OUTCOMES)}
_PRECEDENCE = {name: i for i, name in enumerate(PRECEDENCES)}


def header(id_prefix: str) -> bytes:
    return HEADER.pack(MAGIC, RECORD_SIZE, 0, id_prefix.encode("ascii"))


class PlaybackRows:
    """A chunk's playback records, one `add` per casualty in sequence order."""

    def __init__(self) -> None:
        self.records: list[bytes] = []

    def add(
        self,
        front: int,
        category: int,
        triage: str,
        outcome: str,
        precedence: str | None,
        timeline: list[tuple[int, str, str]],
        entries: list[dict[str, Any]],
        requests: list[int],
    ) -> None:
        """`timeline` in seconds after the start; `entries` the timeline as written
        (their `triage`, the re-triage on arrival, when there is clinical detail);
        `requests` when each 9-line request was sent (the first: from the point of
        injury)."""
        # Waits (capacity of care) are spent where the casualty already is: playback keeps
        # the movements, which say who is where.
        moves = [i for i, step in enumerate(timeline) if not step[2].startswith("waiting_for")]
        if len(moves) < len(timeline):
            timeline = [timeline[i] for i in moves]
            entries = [entries[i] for i in moves] if entries else entries
        steps = len(timeline)
        if steps > MAX_STEPS:
            raise ValueError(f"{steps} timeline steps; a playback record holds {MAX_STEPS}")
        values = [0] * _FIELDS  # unused steps stay zero
        values[0] = timeline[0][0]
        values[1] = timeline[steps - 1][0]
        values[2] = front
        values[3] = category
        values[4] = _TRIAGE[triage]
        values[5] = _OUTCOME[outcome]
        values[6] = _PRECEDENCE[precedence or ""]
        values[7] = steps
        values[8] = 1 if requests else 0
        values[9] = requests[0] if requests else -1
        at = HEAD_FIELDS
        for i in range(steps):
            when, facility, event = timeline[i]
            retriage = entries[i].get("triage")
            values[at] = when
            values[at + 1] = _FACILITY[facility]
            values[at + 2] = _EVENT[event]
            values[at + 3] = _TRIAGE[retriage] if retriage else 0
            at += 4
        self.records.append(_PACK(*values))

    @property
    def count(self) -> int:
        return len(self.records)

    def to_bytes(self) -> bytes:
        """Every record added, in order."""
        return b"".join(self.records)


_FIELDS: Final = HEAD_FIELDS + 4 * MAX_STEPS
_PACK: Final = RECORD.pack
