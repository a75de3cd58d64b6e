"""The Master Scenario Events List (MSEL): one casualty inject per row, in time order,
as the exercise control staff run it: when (DTG), where (front, grid), who, who reports
it, what happens, what is expected of the players, and the role-player's brief.

Rows are made from patient records as read back from any of the job's patient files
(a CSV row lacks nothing the MSEL needs: vitals at injury and the 9-line's grid are
columns of their own).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from generation.paperwork import MECHANISM_WORDS
from jobs.results.dtg import dtg, local

COLUMNS = (
    ("serial", "Serial", 8),
    ("dtg", "DTG", 15),
    ("local_time", "Time (scenario zone)", 22),
    ("front", "Front", 14),
    ("location", "Location (grid)", 20),
    ("casualty_id", "Casualty", 18),
    ("reported_by", "Reported by", 28),
    ("description", "Inject", 60),
    ("expected_action", "Expected action", 34),
    ("show", "Role-player: show (moulage)", 50),
    ("behave", "Role-player: behave", 45),
    ("vitals", "Role-player: vital signs when asked", 45),
    ("triage", "Triage", 8),
    ("precedence", "Precedence", 14),
)
CATEGORY_WORDS = {
    "battle_injury": "Battle injury",
    "non_battle_injury": "Non-battle injury",
    "disease": "Disease",
}
PRECEDENCE_WORDS = {
    "urgent": "urgent",
    "urgent_surgical": "urgent surgical",
    "priority": "priority",
    "routine": "routine",
}
BEHAVIOUR = {
    "T1": "Critical: drowsy or in severe distress, cannot walk, barely answers",
    "T2": "Seriously hurt: in pain, cannot walk unaided, answers questions",
    "T3": "Walking wounded: anxious, can walk and talk, asks for help",
    "T4": "Expectant: unresponsive, very weak breathing",
    "DEAD": "No signs of life: lie still, do not respond",
}
# What the moulage team prepares, by mechanism (stagecraft, not clinical guidance).
MOULAGE = {
    "explosive": "fragment wounds, dust and soot, torn clothing",
    "gunshot": "entry wound (and exit wound), bleeding",
    "burn": "burn moulage, singed clothing",
    "blunt": "bruising, swelling, deformity",
    "crush": "bruising, swelling, pale cold limb",
    "chemical": "wet clothing, skin irritation, watering eyes",
    "biological": "fever sweat, pallor",
    "radiological": "no visible wound; nausea",
    "fall": "grazes, bruising, deformity",
    "sport_training": "swelling, limp",
    "vehicle_accident": "cuts, bruising, seat-belt mark",
    "environmental": "pale or flushed skin, shivering or sweating",
    "other": "minor wound dressing",
    "illness": "pallor, sweating",
    "psychological": "no visible wound; distress",
}


def rows(records: Iterable[dict[str, Any]], start: datetime) -> Iterator[dict[str, str]]:
    """The MSEL row of each record, in the records' order (sequence = time order)."""
    for serial, record in enumerate(records, 1):
        yield row(serial, record, start)


def row(serial: int, record: dict[str, Any], start: datetime) -> dict[str, str]:
    injured = datetime.fromisoformat(record["injury_time"].replace("Z", "+00:00"))
    moment = injured.astimezone(start.tzinfo or UTC)
    injuries = [_injury(c) for c in record["conditions"]]
    mechanism = MECHANISM_WORDS.get(record["mechanism"], record["mechanism"])
    category = CATEGORY_WORDS.get(record["category"], record["category"])
    killed = record["outcome"] == "KIA"
    return {
        "serial": str(serial),
        "dtg": dtg(moment),
        "local_time": local(moment),
        "front": record["front"],
        "location": _grid(record),
        "casualty_id": record["id"],
        "reported_by": f"{record['unit']} (own unit)" if record.get("unit") else "Own unit",
        "description": f"{category} ({mechanism}): {'; '.join(injuries)}"
        + (" - killed in action" if killed else ""),
        "expected_action": _expected(record, killed),
        "show": "; ".join(injuries)
        + f". Moulage: {MOULAGE.get(record['mechanism'], 'as the injuries')}",
        "behave": _behaviour(record),
        "vitals": "No signs of life" if killed else _vitals(record),
        "triage": record["triage"],
        "precedence": PRECEDENCE_WORDS.get(record.get("precedence") or "", ""),
    }


def _behaviour(record: dict[str, Any]) -> str:
    if record["category"] == "disease" and record["triage"] in ("T2", "T3"):
        return "Unwell: describes the symptoms when asked, wants to see the medic"
    return BEHAVIOUR.get(record["triage"], "")


def _injury(condition: dict[str, Any]) -> str:
    site = condition.get("body_site")
    return f"{condition['display']} ({site['display']})" if site else condition["display"]


def _expected(record: dict[str, Any], killed: bool) -> str:
    if killed:
        return "Confirm death, report KIA, recover remains (no MEDEVAC)"
    precedence = PRECEDENCE_WORDS.get(record.get("precedence") or "", "routine")
    timeline = record.get("timeline")
    first = ""
    if isinstance(timeline, list) and len(timeline) > 1:
        first = f" to {timeline[1]['facility']}"
    elif isinstance(record.get("facilities"), str) and ">" in record["facilities"]:
        first = f" to {record['facilities'].split('>')[1]}"
    return f"Casualty care at point of injury; 9-line MEDEVAC, {precedence}{first}"


def _grid(record: dict[str, Any]) -> str:
    requests = record.get("medevac_requests")
    if isinstance(requests, list) and requests:
        return str(requests[0]["1_location"])
    text = record.get("medevac_request")  # a CSV row: "1: <grid> | 2: ..."
    if isinstance(text, str) and text.startswith("1: "):
        return text[3:].split(" | ", 1)[0]
    return ""


def _vitals(record: dict[str, Any]) -> str:
    vitals = record.get("vitals")
    if isinstance(vitals, list) and vitals:
        v = vitals[0]
        return (
            f"HR {v['heart_rate']}, RR {v['respiratory_rate']}, "
            f"BP {v['systolic']}/{v['diastolic']}, SpO2 {v['spo2']} %, GCS {v['gcs']}, "
            f"T {v['temperature']} °C"
        )
    text = record.get("vitals_at_injury")  # a CSV row
    return text if isinstance(text, str) else ""
