"""The engine's fast paths give what the library calls they replace would give."""

from __future__ import annotations

import copy
import csv
import gc
import io
import pickle
import random
from typing import Any

import pytest

import generation
from generation.journey import triangular
from generation.tables import triangle
from generation.writers.formats import csv_row, render_csv
from tests.engine.conftest import scenario

WINDOWS = [
    (0, 0, 0),  # one value: Random.triangular returns low without using its draw
    (5, 5, 5),
    (1, 1, 9),  # mode at an end
    (1, 9, 9),
    (2, 3.5, 7.25),
    (10, 20, 30),
    (0.5, 0.7, 480),
]


@pytest.mark.parametrize("window", WINDOWS)
def test_a_triangle_draws_what_random_triangular_draws(
    window: tuple[float, float, float],
) -> None:
    low, mode, high = window
    for seed in range(300):
        expected = random.Random(seed).triangular(low, high, mode)
        assert triangular(random.Random(seed).random, triangle(window)) == expected


def nasty(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies with commas, quotes and line breaks in cells before, in and after the unit."""
    changed = copy.deepcopy(records)
    for number, record in enumerate(changed):
        if number % 3 == 0:
            record["front"] = 'Front "A", east'
        if number % 4 == 1:
            record["name"]["given"] = "Anna\nMaria"
        if number % 5 == 2:
            record["unit"] = 'The "Old" Guard'
        if number % 2 == 0 and record["conditions"]:
            record["conditions"][0]["display"] = "Burn, second degree\r\n(partial)"
        if number % 3 == 1 and record["treatments"]:
            record["treatments"][0]["display"] = 'So-called "field" care'
    return changed


def csv_writer_bytes(records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_row(r) for r in records)
    return buffer.getvalue().encode()


def test_csv_rows_are_quoted_exactly_as_the_csv_module_quotes_them() -> None:
    plan = generation.make_plan(scenario(total_patients=300), 3)
    records = generation.generate_chunk(plan, 0, plan.total)
    assert render_csv(records) == csv_writer_bytes(records)
    changed = nasty(records)
    assert render_csv(changed) == csv_writer_bytes(changed)
    assert b'"Front ""A"", east"' in render_csv(changed)


@pytest.mark.parametrize("enabled", [True, False])
def test_generating_leaves_the_garbage_collector_as_it_was(enabled: bool) -> None:
    plan = generation.make_plan(scenario(total_patients=20), 1)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        generation.generate_chunk(plan, 0, plan.total)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_plan_pickled_and_restored_gives_the_same_records() -> None:
    """Workers and the tables cache receive plans and tables pickled (compiled or not)."""
    plan = generation.make_plan(scenario(total_patients=200), 4)
    generation.generate_chunk(plan, 0, 20)  # fills the tables' memos too
    restored = pickle.loads(pickle.dumps(plan))
    assert generation.generate_chunk(restored, 0, 200) == generation.generate_chunk(plan, 0, 200)
