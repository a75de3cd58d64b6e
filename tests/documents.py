"""Scenario documents for tests: plain Python, shared by engine and app tests."""

from __future__ import annotations

from typing import Any


def scenario_doc(**overrides: Any) -> dict[str, Any]:
    """A small valid scenario document; keyword arguments replace keys."""
    doc: dict[str, Any] = {
        "total_patients": 500,
        "days": 4,
        "start": "2026-03-02T06:00:00+00:00",
        "warfare": {"conventional": 1},
        "intensity": "medium",
        "tempo": "sustained",
        "fronts": [
            {"name": "North", "share": 0.6, "nationalities": {"POL": 0.5, "EST": 0.5}},
            {"name": "South", "share": 0.4, "nationalities": {"FIN": 1}},
        ],
        "injury_mix": {"battle_injury": 0.6, "non_battle_injury": 0.15, "disease": 0.25},
    }
    doc.update(overrides)
    return doc
