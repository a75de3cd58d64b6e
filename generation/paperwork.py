"""Evacuation paperwork: ATMIST handovers and 9-line MEDEVAC requests, structured and
as one line of text."""

from __future__ import annotations

import random
from typing import Any

from generation.clinical import ClinicalTables, grid_reference

MECHANISM_WORDS = {
    "explosive": "blast/fragmentation",
    "gunshot": "gunshot",
    "burn": "burns",
    "blunt": "blunt trauma",
    "crush": "crush",
    "chemical": "chemical exposure",
    "biological": "biological agent",
    "radiological": "radiation exposure",
    "fall": "fall",
    "sport_training": "training injury",
    "vehicle_accident": "vehicle accident",
    "environmental": "environmental",
    "other": "non-battle injury",
    "illness": "illness",
    "psychological": "combat stress",
}
NBC = {"chemical": "C", "biological": "B", "radiological": "N"}


def atmist(
    age: int,
    sex: str,
    injury_time: str,
    mechanism: str,
    injuries: list[str],
    signs: dict[str, Any],
    given: list[dict[str, Any]],
) -> dict[str, Any]:
    """One handover: Age, Time of injury, Mechanism, Injuries, Signs, Treatment.

    `injuries` come from `injury_texts` (the same for every handover of a casualty).
    """
    words = MECHANISM_WORDS.get(mechanism, mechanism)
    signs_text = (
        f"RR {signs['respiratory_rate']} HR {signs['heart_rate']} SpO2 {signs['spo2']} "
        f"BP {signs['systolic']}/{signs['diastolic']} GCS {signs['gcs']} T {signs['temperature']}"
    )
    treatment = "; ".join(f"{t['display']} {t['time'][11:13]}{t['time'][14:16]}Z" for t in given)
    when = f"{injury_time[11:13]}{injury_time[14:16]}Z {injury_time[:10]}"
    text = (
        f"A {age}{sex[0].upper()} | T {when} | M {words} | I {'; '.join(injuries)} | "
        f"S {signs_text} | T {treatment or 'none'}"
    )
    return {
        "age": age,
        "time_of_injury": injury_time,
        "mechanism": words,
        "injuries": injuries,
        "signs": {key: signs[key] for key in _SIGN_KEYS},
        "treatment": [t["display"] for t in given],
        "text": text,
    }


def injury_texts(conditions: list[dict[str, Any]]) -> list[str]:
    return [_injury_text(c) for c in conditions]


_SIGN_KEYS = (
    "respiratory_rate",
    "heart_rate",
    "spo2",
    "systolic",
    "diastolic",
    "gcs",
    "temperature",
)


def _injury_text(condition: dict[str, Any]) -> str:
    site = condition["body_site"]
    return f"{condition['display']} ({site['display']})" if site else condition["display"]


def nine_line(
    rng: random.Random,
    clinical: ClinicalTables,
    *,
    front: str,
    precedence: str,
    litter: bool,
    nationality: str,
    mechanism: str,
    needs_ventilator: bool,
) -> dict[str, Any]:
    """A 9-line MEDEVAC request for one casualty (wartime lines 6 and 9)."""
    spec = clinical.medevac
    r = rng.random
    signs = spec["call_signs"]
    lines = {
        "1_location": grid_reference(rng, clinical, front),
        "2_frequency_callsign": (
            f"{30 + int(r() * 58)}.{int(r() * 20) * 5:02d} MHz "
            f"{signs[int(r() * len(signs))]} {1 + int(r() * 9)}-{1 + int(r() * 9)}"
        ),
        "3_patients_by_precedence": f"1{spec['line3'][precedence]}",
        "4_special_equipment": "D" if needs_ventilator else "A",
        "5_patients_by_type": "1L" if litter else "1A",
        "6_security": _weighted(rng, spec["line6_wartime"]),
        "7_marking": _weighted(rng, spec["line7"]),
        "8_nationality_status": "A" if nationality == "USA" else "C",
        "9_nbc_contamination": NBC.get(mechanism, "none"),
    }
    lines["text"] = " | ".join(
        f"{n}: {v}" for n, v in zip(_LINE_NUMBERS, lines.values(), strict=True)
    )
    return lines


_LINE_NUMBERS = "123456789"


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    draw = rng.random() * sum(weights.values())
    for key, weight in weights.items():
        draw -= weight
        if draw < 0:
            return key
    return key
