"""Reference tables shipped in `generation/data/`, read once per process.

Everything here is immutable after loading; callers must not mutate what they get.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from importlib import resources
from typing import Any

_DATA = resources.files("generation") / "data"


def _load_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_DATA / name).read_text(encoding="utf-8"))
    return data


@cache
def warfare() -> dict[str, Any]:
    return _load_json("warfare.json")


@cache
def care() -> dict[str, Any]:
    return _load_json("care.json")


@cache
def people() -> dict[str, Any]:
    return _load_json("people.json")


@cache
def conditions() -> dict[str, Any]:
    return _load_json("conditions.json")


@cache
def clinical() -> dict[str, Any]:
    return _load_json("clinical.json")


@cache
def climate() -> dict[str, Any]:
    """Disease and non-battle injury by climate, season and sex; NBI mechanisms."""
    return _load_json("climate.json")


@cache
def cbrn() -> dict[str, Any]:
    """CBRN agents: mechanism, lethality, triage, incubation, conditions, treatments."""
    return _load_json("cbrn.json")


@cache
def physiology() -> dict[str, Any]:
    return _load_json("physiology.json")


@cache
def nations() -> dict[str, Any]:
    return _load_json("nations.json")


@cache
def names(nation: str) -> dict[str, Any]:
    """Given and family names of a nation, with frequencies (data/names/, built once by
    scripts/build_names.py from Faker's and Mimesis's locale data)."""
    return _load_json(f"names/{nation}.json")


@cache
def nation_codes() -> frozenset[str]:
    return frozenset(nations())


@cache
def environment_conditions() -> tuple[str, ...]:
    return tuple(key for key in warfare()["environment"] if not key.startswith("_"))


@cache
def snomed_terms() -> dict[str, str]:
    """SNOMED CT code -> term, for every code the engine can emit: the shared verified
    table's rows (snomed.csv) and the concepts added with their own sources
    (snomed-added.csv, see /work/shared/reference/CODES.md for the rule)."""
    terms: dict[str, str] = {}
    for name in ("snomed.csv", "snomed-added.csv"):
        entry = _DATA / name
        if entry.is_file():
            text = entry.read_text(encoding="utf-8")
            for row in csv.DictReader(io.StringIO(text, newline="")):
                terms[row["code"]] = row["term"]
    return terms


@cache
def snomed_added() -> list[dict[str, str]]:
    """The rows of snomed-added.csv (code, term, semantic_tag, category, status, sources)."""
    entry = _DATA / "snomed-added.csv"
    if not entry.is_file():
        return []
    text = entry.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@cache
def presets() -> dict[str, dict[str, Any]]:
    """Preset name -> scenario document, from data/presets/*.json."""
    folder = _DATA / "presets"
    documents = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            documents[entry.name.removesuffix(".json")] = json.loads(entry.read_text("utf-8"))
    return documents


def warm() -> None:
    """Load every table now (a worker calls this at start, not per job)."""
    for loader in (
        warfare,
        care,
        people,
        conditions,
        clinical,
        cbrn,
        climate,
        physiology,
        nations,
        snomed_terms,
        presets,
    ):
        loader()
