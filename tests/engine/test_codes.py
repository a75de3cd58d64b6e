"""Every SNOMED CT code the engine can emit comes from the verified reference table."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import generation
from generation import reference
from generation.tables import compile_tables

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "snomed-ct.csv"


@pytest.fixture(scope="module")
def verified() -> dict[str, dict[str, str]]:
    if not SHARED.exists():
        pytest.skip(f"shared reference not found at {SHARED}")
    with SHARED.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def test_the_shipped_code_table_matches_the_verified_reference(
    verified: dict[str, dict[str, str]],
) -> None:
    added = {row["code"] for row in reference.snomed_added()}  # own sources, see test_realism
    for code, term in reference.snomed_terms().items():
        if code in added and code not in verified:
            continue
        assert code in verified, code
        assert verified[code]["term"] == term, code
        assert verified[code]["status"] != "conflict", code


def test_every_code_in_the_data_tables_is_in_the_shipped_table() -> None:
    known = reference.snomed_terms()
    for preset in generation.preset_names():
        tables = compile_tables(generation.parse_scenario(generation.load_preset(preset)))
        for choice in tables.battle_conditions.values():
            for (code, _), site, _ in choice.values:
                assert code in known and (site is None or site[0] in known)


def test_every_emitted_code_and_display_is_verified(default_run: list[dict[str, Any]]) -> None:
    known = reference.snomed_terms()
    seen = set()
    for r in default_run:
        for condition in r["conditions"]:
            assert known[condition["code"]] == condition["display"]
            seen.add(condition["code"])
            site = condition["body_site"]
            if site is not None:
                assert known[site["code"]] == site["display"]
    assert len(seen) > 60  # the whole table is in use, not a handful of codes
