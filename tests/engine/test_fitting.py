"""Proportional fitting: the rank-and-age table's margins are the ones asked for."""

from __future__ import annotations

import pytest

from generation.fitting import fit_to_margins


def test_a_fitted_table_has_the_row_and_column_totals_asked_for() -> None:
    table = [[1.0, 2.0, 0.0], [0.5, 0.5, 3.0]]
    rows, columns = [0.25, 0.75], [0.2, 0.3, 0.5]

    fit_to_margins(table, rows, columns, 200)

    assert [sum(row) for row in table] == pytest.approx(rows)
    assert [sum(column) for column in zip(*table, strict=True)] == pytest.approx(columns)


def test_a_cell_that_starts_at_zero_stays_zero() -> None:
    table = [[0.0, 1.0], [1.0, 1.0]]

    fit_to_margins(table, [0.4, 0.6], [0.5, 0.5], 50)

    assert table[0][0] == 0.0
    assert sum(table[0]) == pytest.approx(0.4)
