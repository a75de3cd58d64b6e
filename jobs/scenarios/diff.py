"""The differences between two versions of a saved scenario, for the history page."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from jobs.scenarios.models import ScenarioVersion

MISSING = object()


@dataclass(frozen=True)
class Change:
    """One key path whose value differs: `before`/`after` are JSON text, "" when absent."""

    path: str
    before: str
    after: str


def changes(old: ScenarioVersion, new: ScenarioVersion) -> list[Change]:
    """Every key path (e.g. `fronts[0].share`) whose value differs, in document order."""
    before, after = _flatten(_whole(old)), _flatten(_whole(new))
    paths = list(before) + [path for path in after if path not in before]
    return [
        Change(path, _show(before.get(path, MISSING)), _show(after.get(path, MISSING)))
        for path in paths
        if before.get(path, MISSING) != after.get(path, MISSING)
    ]


def unified(old: ScenarioVersion, new: ScenarioVersion) -> list[tuple[str, str]]:
    """(kind, line) of a unified diff over pretty JSON; kind: add, remove, hunk or same."""
    lines = difflib.unified_diff(
        _pretty(old),
        _pretty(new),
        f"version {old.version}",
        f"version {new.version}",
        lineterm="",
    )
    return [(_kind(line), line) for line in lines]


def _kind(line: str) -> str:
    if line.startswith(("---", "+++", "@@")):
        return "hunk"
    return {"+": "add", "-": "remove"}.get(line[:1], "same")


def _whole(version: ScenarioVersion) -> dict[str, Any]:
    # Labelled apart from the document's own `name` and `description` keys.
    meta = {"Saved name": version.name, "Saved description": version.description}
    whole: dict[str, Any] = meta | version.document
    return whole


def _pretty(version: ScenarioVersion) -> list[str]:
    return json.dumps(_whole(version), indent=2, ensure_ascii=False).splitlines()


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat |= _flatten(item, f"{path}.{key}" if path else str(key))
        return flat
    if isinstance(value, list) and value:
        flat = {}
        for index, item in enumerate(value):
            flat |= _flatten(item, f"{path}[{index}]")
        return flat
    return {path: value}


def _show(value: Any) -> str:
    return "" if value is MISSING else json.dumps(value, ensure_ascii=False)
