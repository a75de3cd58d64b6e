"""Iterative proportional fitting of a table of weights to two sets of margins.

Compiled (generation/native.py): the fit runs a few hundred rounds over every cell, which
interpreted took most of the time it takes to compile the tables for a run. The order of
every sum and product is fixed, so the result is the same float for float compiled or not.
"""

from __future__ import annotations


def fit_to_margins(
    table: list[list[float]], row_targets: list[float], column_targets: list[float], rounds: int
) -> None:
    """Scales `table` in place, `rounds` times: each column to its target total (columns
    summing to zero are left alone), then each row to its target total."""
    for _ in range(rounds):
        for j, target in enumerate(column_targets):
            column = 0.0
            for row in table:
                column += row[j]
            if column > 0:
                factor = target / column
                for row in table:
                    row[j] *= factor
        for i, row in enumerate(table):
            total = 0.0
            for value in row:
                total += value
            factor = row_targets[i] / total
            for j in range(len(row)):
                row[j] *= factor
