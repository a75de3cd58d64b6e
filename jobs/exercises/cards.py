"""A casualty's card as a board shows it, from the playback API's card at that moment.

`jobs.results.playback.card_at` already cuts the record at the moment (nothing later);
this keeps what a board draws, in a small shape: the latest vital signs and handover
rather than every one, 9-lines with their lines named.
"""

from __future__ import annotations

from typing import Any

SHOWN = (
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
    "triage",
    "outcome",
)


def board_card(card: dict[str, Any]) -> dict[str, Any]:
    """The board's card from a playback card (times in the scenario's zone)."""
    shown = {key: card.get(key) for key in SHOWN}
    name = card["name"]
    shown["name"] = f"{name['family'].upper()}, {name['given']}"
    shown["conditions"] = [_condition(condition) for condition in card["conditions"]]
    shown["timeline"] = [_entry(entry) for entry in card["timeline"]]
    shown["vitals"] = card["vitals"][-1] if card["vitals"] else None
    shown["treatments"] = [
        {"time": t["time"], "facility": t["facility"], "display": t["display"]}
        for t in card["treatments"]
    ]
    shown["handover"] = card["handovers"][-1]["text"] if card["handovers"] else ""
    shown["nine_lines"] = [_nine_line(request) for request in card["medevac_requests"]]
    shown["where"] = card["place"]
    return shown


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
