"""A casualty's card as it stood at one moment of the exercise: never anything later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobs.exercises.times import seconds_after

# Who the casualty is and what happened at injury: known from the first report on.
IDENTITY = (
    "id",
    "sequence",
    "nationality",
    "front",
    "sex",
    "age",
    "blood_group",
    "service_number",
    "rank",
    "unit",
    "category",
    "mechanism",
    "injury_time",
    "precedence",
    "transport",
)


def card_from_record(record: dict[str, Any], start: datetime, position: float) -> dict[str, Any]:
    """The card of `record` at `position` (seconds after `start`)."""

    def due(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        return [item for item in items or () if seconds_after(item["time"], start) <= position]

    timeline = due(record["timeline"])
    card = {key: record.get(key) for key in IDENTITY}
    card["name"] = f"{record['name']['family'].upper()}, {record['name']['given']}"
    card["conditions"] = [_condition(condition) for condition in record["conditions"]]
    card["triage"] = _triage_now(record, timeline)
    card["timeline"] = [_entry(entry) for entry in timeline]
    vitals = due(record.get("vitals"))
    card["vitals"] = vitals[-1] if vitals else None
    card["treatments"] = [
        {"time": t["time"], "facility": t["facility"], "display": t["display"]}
        for t in due(record.get("treatments"))
    ]
    handovers = due(record.get("handovers"))
    card["handover"] = handovers[-1]["text"] if handovers else ""
    requests = due(record.get("medevac_requests"))
    card["nine_lines"] = [_nine_line(request) for request in requests]
    ended = seconds_after(record["outcome_time"], start) <= position
    card["outcome"] = record["outcome"] if ended else None
    card["where"] = timeline[-1]["facility"] if timeline else None
    return card


def _triage_now(record: dict[str, Any], timeline: list[dict[str, Any]]) -> str:
    """The latest re-triage so far, else the triage at first assessment."""
    for entry in reversed(timeline):
        if entry.get("triage"):
            return str(entry["triage"])
    return str(record["triage"])


def _condition(condition: dict[str, Any]) -> str:
    site = condition.get("body_site")
    return f"{condition['display']} ({site['display']})" if site else str(condition["display"])


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in ("time", "facility", "event", "triage") if k in entry}


def _nine_line(request: dict[str, Any]) -> dict[str, Any]:
    return {
        "time": request["time"],
        "from": request["from"],
        "to": request["to"],
        "grid": request["1_location"],
        "callsign": request["2_frequency_callsign"],
        "precedence": request["3_patients_by_precedence"],
        "equipment": request["4_special_equipment"],
        "security": request["6_security"],
        "text": request["text"],
    }
