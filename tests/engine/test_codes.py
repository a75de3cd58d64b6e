"""Every SNOMED CT code the engine can emit comes from the verified reference table."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import generation
from generation import reference
from generation.scenario import CBRN_AGENTS
from generation.tables import compile_tables

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "snomed-ct.csv"
DATA = Path(generation.__file__).resolve().parent / "data"
ADDED = DATA / "snomed-added.csv"
COLUMNS = ["code", "term", "semantic_tag", "category", "status", "sources"]

# Verhoeff's dihedral-group tables: the last digit of every SNOMED CT identifier is its
# Verhoeff check digit (SNOMED CT Technical Implementation Guide, "Check-digit").
_MULTIPLY = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_PERMUTE = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def verhoeff_valid(number: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(number)):
        check = _MULTIPLY[check][_PERMUTE[position % 8][int(digit)]]
    return check == 0


def concept_id_valid(code: str) -> bool:
    """A SNOMED CT concept id: 6-18 digits, partition 00 or 10, Verhoeff check digit."""
    return (
        code.isdigit()
        and 6 <= len(code) <= 18
        and code[-3:-1] in ("00", "10")
        and (verhoeff_valid(code))
    )


def added_rows() -> list[dict[str, str]]:
    with ADDED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_the_check_digit_test_knows_valid_and_invalid_ids() -> None:
    assert concept_id_valid("125605004") and concept_id_valid("133261000119105")
    # CODES.md: invalid ids upstream used (they fail the check digit)
    assert not concept_id_valid("125689001") and not concept_id_valid("394658000")


def test_the_added_table_has_the_shared_tables_columns() -> None:
    assert added_rows()  # columns checked while reading


def test_every_identifier_in_the_shipped_tables_is_a_valid_concept_id() -> None:
    for name in ("snomed.csv", "snomed-added.csv"):
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                assert concept_id_valid(row["code"]), (name, row["code"])


def test_added_codes_carry_two_sources_and_the_emitted_term_in_code_order() -> None:
    rows = reference.snomed_added()  # their identifiers are checked just above
    assert rows
    for row in rows:
        assert len(row["sources"].split(" ; ")) >= 2, row["code"]
        assert reference.snomed_terms()[row["code"]] == row["term"]
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes, key=int)


@pytest.fixture(scope="module")
def verified() -> dict[str, dict[str, str]]:
    if not SHARED.exists():
        pytest.skip(f"shared reference not found at {SHARED}")
    with SHARED.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def test_the_shipped_code_table_matches_the_verified_reference(
    verified: dict[str, dict[str, str]],
) -> None:
    added = {row["code"] for row in reference.snomed_added()}  # own sources, checked above
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


@pytest.mark.parametrize("agent", CBRN_AGENTS)
def test_every_code_the_engine_can_draw_is_in_a_table(agent: str) -> None:
    known = reference.snomed_terms()
    document = generation.load_preset("cbrn-incident")
    document["cbrn_agent"] = agent
    tables = compile_tables(generation.parse_scenario(document))
    drawn = [
        (code, site)
        for choice in (
            *tables.battle_conditions.values(),
            *tables.non_battle.values(),
            *tables.disease.values(),
            *tables.psychiatric.values(),
            *(tables.heat or {}).values(),
            *(tables.cold or {}).values(),
        )
        for (code, _), site, _ in choice.values
    ]
    drawn += [
        (code, site)
        for options in tables.cbrn.conditions.values()
        for (code, _), site, _, _ in options
    ]
    for code, site in drawn:
        assert code in known and (site is None or site[0] in known), code
    for rules in tables.clinical.rules.values():
        for rule in rules:
            assert known[rule.code] == rule.display


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
