"""The engine's fast paths give what the library calls they replace would give."""

from __future__ import annotations

import copy
import csv
import gc
import io
import pickle
import random
from bisect import bisect_right
from typing import Any

import pytest

import generation
from generation import fastops
from generation.choice import Choice
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


def awkward_floats() -> list[float]:
    """Exact halves and tenths' boundaries, their neighbours, negatives, and noise."""
    rng = random.Random(11)
    values = [k / 2 for k in range(-41, 42)] + [k / 4 for k in range(-200, 201)]
    values += [k / 20 for k in range(-900, 901)]  # k/20 ties only where a float holds them
    values += [rng.uniform(-50, 200) for _ in range(20_000)]
    values += [rng.uniform(33.0, 41.5) for _ in range(20_000)]
    values += [-0.0, 0.0, 0.04, -0.04, 0.05, -0.05, 0.49999999999999994, -0.49999999999999994]
    nudged = [x + d for x in values[:2_000] for d in (1e-12, -1e-12)]
    return values + nudged + [float.fromhex("0x1.0000000000001p-1")]


def test_round_half_even_is_round() -> None:
    for x in awkward_floats():
        assert fastops.round_half_even(x) == round(x), x


def test_round_tenths_is_round_to_one_digit() -> None:
    for x in awkward_floats():
        expected = round(x, 1)
        got = fastops.round_tenths(x)
        assert got == expected and str(got) == str(expected), x


def test_pick_draws_the_weighted_choice_by_bisection() -> None:
    choices: list[Choice[Any]] = [
        Choice.of({"a": 1, "b": 2, "c": 3}),  # integer weights
        Choice.of([("x", 0.1), ("y", 0.0), ("z", 0.35), ("w", 2.5)]),
        Choice.of([(n, 1.0 / (n + 1)) for n in range(40)]),
        Choice.of([("only", 1.0)]),
    ]
    for choice in choices:
        for seed in range(500):
            rng = random.Random(seed)
            expected = choice.values[bisect_right(choice.cumulative, rng.random() * choice.total)]
            assert fastops.pick(choice, random.Random(seed).random) == expected


def test_below_and_exponential_draw_what_random_draws() -> None:
    for n in (1, 2, 3, 7, 3600, 1 << 20, 10**12 + 7):
        a, b = random.Random(n), random.Random(n)
        assert [fastops.below(a, n) for _ in range(200)] == [b.randrange(n) for _ in range(200)]
    for rate in (0.5, 1 / 3.7, 2.0):
        a, b = random.Random(5), random.Random(5)
        drawn = [fastops.exponential(a, rate) for _ in range(200)]
        assert drawn == [b.expovariate(rate) for _ in range(200)]


def test_zero_padded_and_float_text_write_what_format_and_str_write() -> None:
    for number in (0, 7, 42, 99_999, 100_000, 1_234_567, 12_345_678):
        for width in (1, 5, 6, 7):
            assert fastops.zero_padded(number, width) == f"{number:0{width}d}"
    for value in (-0.0, 0.0, 36.6, 36.6, 41.5, 1e-7, 1e22, 0.1 + 0.2, -3.0):
        assert fastops.float_text(value) == str(value)
    assert fastops.float_text(0.0) == "0.0" and fastops.float_text(-0.0) == "-0.0"


def test_reseed_starts_the_stream_random_seed_starts() -> None:
    rng = random.Random(1)
    rng.random()
    for seed in (0, 1, 2**22 + 5, 166563479435583 << 22, 2**70 + 3):
        fastops.reseed(rng, seed)
        expected = random.Random(seed)
        assert [rng.random() for _ in range(5)] == [expected.random() for _ in range(5)]
        assert rng.getrandbits(40) == expected.getrandbits(40)
