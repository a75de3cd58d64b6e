"""CSV formula injection (OWASP): no cell of patients.csv starts a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import generation
from generation.writers import formats
from tests import documents

RISKY = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("x")',
]


def _rows(front: str, tmp_path: Any) -> list[dict[str, str]]:
    doc = documents.scenario_doc(total_patients=30, days=2)
    doc["fronts"] = [{"name": front, "share": 1, "nationalities": {"POL": 1}}]
    scenario = generation.parse_scenario(doc)
    generation.generate(
        scenario,
        seed=1,
        sink=lambda name: open(tmp_path / name, "wb"),  # noqa: SIM115
        formats=("csv",),
        workers=1,
    )
    text = (tmp_path / "patients.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("front", RISKY)
def test_a_front_name_that_is_a_formula_is_written_as_text(front: str, tmp_path: Any) -> None:
    rows = _rows(front, tmp_path)

    assert rows and all(row["front"] == "'" + front.strip() for row in rows)


def test_no_cell_of_a_generated_file_starts_a_formula(tmp_path: Any) -> None:
    for row in _rows("=evil()", tmp_path):
        for column, cell in row.items():
            assert (
                not cell.startswith(formats._FORMULA_CHARACTERS) or cell.lstrip("+-")[:1].isdigit()
            ), (column, cell)


@pytest.mark.parametrize("number", ["-3", "+1.5", "-0.25", "-1e5", "42"])
def test_numbers_are_left_unchanged(number: str) -> None:
    assert formats._defused(number) == number


@pytest.mark.parametrize("cell", ["-", "-x", "+", "@", "=", "-1-1", "--1"])
def test_a_cell_that_only_looks_numeric_is_defused(cell: str) -> None:
    assert formats._defused(cell) == "'" + cell


def test_a_comma_dash_inside_a_quoted_cell_changes_nothing() -> None:
    row = [f"cell{i}" for i in range(len(formats.CSV_COLUMNS))]
    row[formats._UNIT] = "1st Battalion, -North"

    assert (
        formats._csv_line(row)
        == ",".join(row[: formats._UNIT])
        + ',"1st Battalion, -North",'
        + ",".join(row[formats._UNIT + 1 :])
        + "\r\n"
    )


def test_the_code_points_compared_are_the_formula_characters() -> None:
    found = {chr(code) for code in range(0x110000) if formats._formula_character(code)}

    assert found == set(formats._FORMULA_CHARACTERS)


CELL = st.text(alphabet=',"=+-@\t\r\na1.e ', max_size=6)


@given(st.lists(CELL, min_size=len(formats.CSV_COLUMNS), max_size=len(formats.CSV_COLUMNS)))
def test_every_cell_that_starts_like_a_formula_is_written_as_text(cells: list[str]) -> None:
    # Whatever the cells hold (commas, quotes, line breaks, numbers), the line reads back
    # as the same cells, each one that starts like a formula behind an apostrophe.
    (read,) = csv.reader(io.StringIO(formats._csv_line(cells), newline=""))

    assert read == [formats._defused(cell) for cell in cells]
    for cell, written in zip(cells, read, strict=True):
        if cell.startswith(formats._FORMULA_CHARACTERS) and written == cell:
            assert formats._PLAIN_NUMBER.fullmatch(cell)
