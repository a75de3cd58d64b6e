"""The tally of records read back from a patient file: the same counts the engine
gathers from its own numbers while it makes them (tally.py), from the written record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from generation.figures.tally import Tally, marked

SPECIAL = {"offensive": 3, "ambush": 4, "mass_casualty": 5}  # as plan.SPECIAL_KINDS
CATEGORY_INDEX = {"battle_injury": 0, "non_battle_injury": 1, "disease": 2}


class TimeReader:
    """ISO 8601 UTC times (`YYYY-MM-DDTHH:MM:SSZ`, as the engine writes them) to seconds
    after the scenario start."""

    def __init__(self, start: datetime) -> None:
        self.start = start.astimezone(UTC).replace(microsecond=0)
        self._days: dict[str, int] = {}

    def seconds(self, iso: str) -> int:
        date = iso[:10]
        base = self._days.get(date)
        if base is None:
            midnight = datetime.fromisoformat(date).replace(tzinfo=UTC)
            base = self._days[date] = int((midnight - self.start).total_seconds())
        return base + int(iso[11:13]) * 3600 + int(iso[14:16]) * 60 + int(iso[17:19])


def _drug(treatment: dict[str, Any]) -> tuple[str, str]:
    drug = treatment.get("medication")
    return (drug["code"], drug["display"]) if drug else ("", "")


def add_record(
    tally: Tally, record: dict[str, Any], reader: TimeReader, fronts: dict[str, int]
) -> None:
    seconds = reader.seconds
    timeline = [
        (seconds(entry["time"]), entry["facility"], entry["event"]) for entry in record["timeline"]
    ]
    treatments = [
        (seconds(t["time"]), t["facility"], t["code"], t["display"], _drug(t))
        for t in record.get("treatments") or ()
    ]
    special = record["special_event"]
    tally.patient(
        CATEGORY_INDEX[record["category"]],
        fronts[record["front"]],
        record["triage"],
        record["precedence"],
        record["outcome"],
        timeline,
        int(record["event_id"][1:]) - 1,
        marked(SPECIAL[special] if special else 0, record["mass_casualty"]),
        record["conditions"],
        record["mechanism"],
        record["nationality"],
        treatments,
        [seconds(r["time"]) for r in record["medevac_requests"]]
        if "medevac_requests" in record
        else None,
    )
