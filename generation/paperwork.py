"""Evacuation paperwork: ATMIST handovers and 9-line MEDEVAC requests, structured and
as one line of text."""

from __future__ import annotations

import random
from typing import Any

from generation.clinical import ClinicalTables, Weights, grid_reference
from generation.fastops import float_text
from generation.physiology import Signs

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


class Atmist:
    """One casualty's ATMIST handovers. Age, time, mechanism and injuries are the same at
    every transfer, and each treatment reads the same in every report, so all of that is
    written once; a handover adds the signs taken then and the treatments given so far."""

    def __init__(
        self,
        age: int,
        sex: str,
        injury_time: str,
        injury_dtg: str,
        mechanism: str,
        injuries: list[str],
        treatments: list[tuple[str, str]],
    ) -> None:
        """`treatments`: (display, date-time group) of each treatment given, in time
        order; times in the text are date-time groups (040200ZMAY26)."""
        self.age = age
        self.injury_time = injury_time
        self.mechanism = MECHANISM_WORDS.get(mechanism, mechanism)
        self.injuries = injuries
        self.head = (
            f"A {age}{sex[0].upper()} | T {injury_dtg} | M {self.mechanism} | "
            f"I {'; '.join(injuries)} | S "
        )
        self.displays = [display for display, _ in treatments]
        self.labels = [f"{display} {at}" for display, at in treatments]

    def handover(
        self, time: str, dtg: str, source: str, destination: str, signs: Signs, given: int
    ) -> dict[str, Any]:
        """The report at a transfer of care, after the first `given` treatments."""
        heart_rate, breathing, systolic, diastolic, spo2, gcs, temperature = signs
        treatment = "; ".join(self.labels[:given]) or "none"
        return {
            "time": time,
            "dtg": dtg,
            "from": source,
            "to": destination,
            "age": self.age,
            "time_of_injury": self.injury_time,
            "mechanism": self.mechanism,
            "injuries": self.injuries,
            "signs": {
                "respiratory_rate": breathing,
                "heart_rate": heart_rate,
                "spo2": spo2,
                "systolic": systolic,
                "diastolic": diastolic,
                "gcs": gcs,
                "temperature": temperature,
            },
            "treatment": self.displays[:given],
            "text": (
                f"{self.head}RR {breathing} HR {heart_rate} SpO2 {spo2} "
                f"BP {systolic}/{diastolic} GCS {gcs} T {float_text(temperature)} | T {treatment}"
            ),
        }


def injury_texts(conditions: list[dict[str, Any]]) -> list[str]:
    return [_injury_text(c) for c in conditions]


def _injury_text(condition: dict[str, Any]) -> str:
    site = condition["body_site"]
    return f"{condition['display']} ({site['display']})" if site else condition["display"]


def nine_line(
    rng: random.Random,
    clinical: ClinicalTables,
    *,
    time: str,
    dtg: str,
    source: str,
    destination: str,
    front: str,
    precedence: str,
    litter: bool,
    nationality: str,
    mechanism: str,
    needs_ventilator: bool,
) -> dict[str, Any]:
    """A 9-line MEDEVAC request for one casualty (wartime lines 6 and 9), for the
    evacuation leaving `source` at `time`."""
    spec = clinical.nine_line
    r = rng.random
    location = grid_reference(rng, clinical, front)
    signs = spec.call_signs
    frequency = (
        f"{30 + int(r() * 58)}.{_FREQUENCY_DECIMALS[int(r() * 20)]} MHz "
        f"{signs[int(r() * len(signs))]} {1 + int(r() * 9)}-{1 + int(r() * 9)}"
    )
    patients = f"1{spec.line3[precedence]}"
    equipment = "D" if needs_ventilator else "A"
    kind = "1L" if litter else "1A"
    security = _weighted(r(), spec.line6_wartime)
    marking = _weighted(r(), spec.line7)
    status = "A" if nationality == "USA" else "C"
    contamination = NBC.get(mechanism, "none")
    return {
        "time": time,
        "dtg": dtg,
        "from": source,
        "to": destination,
        "1_location": location,
        "2_frequency_callsign": frequency,
        "3_patients_by_precedence": patients,
        "4_special_equipment": equipment,
        "5_patients_by_type": kind,
        "6_security": security,
        "7_marking": marking,
        "8_nationality_status": status,
        "9_nbc_contamination": contamination,
        "text": (
            f"DTG {dtg} | 1: {location} | 2: {frequency} | 3: {patients} | 4: {equipment} | "
            f"5: {kind} | 6: {security} | 7: {marking} | 8: {status} | 9: {contamination}"
        ),
    }


_FREQUENCY_DECIMALS = tuple(f"{step * 5:02d}" for step in range(20))  # .00 to .95 MHz


def _weighted(random_draw: float, weights: Weights) -> str:
    """The key `random_draw` (in [0, 1)) falls on; the subtraction walk keeps the bytes
    of the original `draw -= weight` loop."""
    pairs, total = weights
    draw = random_draw * total
    for key, weight in pairs:
        draw -= weight
        if draw < 0:
            return key
    return key
