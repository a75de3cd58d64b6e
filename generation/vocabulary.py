"""The scenario vocabulary as (value, label) pairs, spelled once, for forms and docs."""

from __future__ import annotations

from generation import reference
from generation.scenario import (
    CATEGORIES,
    CATEGORY_LABELS,
    INTENSITIES,
    SPECIAL_EVENT_TYPES,
    TEMPOS,
    WARFARE_TYPES,
)
from generation.writers import FORMATS

Choices = tuple[tuple[str, str], ...]

FORMAT_LABELS = {
    "json": "JSON (patients.json)",
    "csv": "CSV (patients.csv)",
    "ndjson": "NDJSON (patients.ndjson, one patient a line)",
    "fhir": "FHIR R4 (patients.fhir.ndjson, one Bundle a line)",
}


def warfare_types() -> Choices:
    types = reference.warfare()["types"]
    return tuple((name, types[name]["label"]) for name in WARFARE_TYPES)


def intensities() -> Choices:
    return tuple((name, name.capitalize()) for name in INTENSITIES)


def tempos() -> Choices:
    return tuple((name, name.capitalize()) for name in TEMPOS)


def special_event_types() -> Choices:
    events = reference.warfare()["special_events"]
    return tuple((name, events[name]["label"]) for name in SPECIAL_EVENT_TYPES)


def environment_conditions() -> Choices:
    conditions = reference.warfare()["environment"]
    return tuple((name, conditions[name]["label"]) for name in reference.environment_conditions())


def categories() -> Choices:
    return tuple((name, CATEGORY_LABELS[name]) for name in CATEGORIES)


def formats() -> Choices:
    return tuple((name, FORMAT_LABELS.get(name, name)) for name in FORMATS)
