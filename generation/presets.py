"""Named scenario presets shipped as data in generation/data/presets/."""

from __future__ import annotations

import copy
from typing import Any

from generation import reference


def preset_names() -> list[str]:
    return list(reference.presets())


def load_preset(name: str) -> dict[str, Any]:
    """A fresh copy of the preset's scenario document; KeyError names the known ones."""
    documents = reference.presets()
    if name not in documents:
        raise KeyError(f"unknown preset {name!r}; known: {', '.join(documents)}")
    return copy.deepcopy(documents[name])


def preset_catalog() -> list[dict[str, Any]]:
    """[{name, title, description, total_patients, days}] for pickers and --list-presets."""
    return [
        {
            "name": name,
            "title": doc.get("title", name),
            "description": doc.get("description", ""),
            "total_patients": doc["total_patients"],
            "days": doc.get("days", 8),
        }
        for name, doc in reference.presets().items()
    ]
