"""Walker's alias method: a weighted draw among n items with one random() and no search.

Used for names, whose tables run to thousands of entries (a bisection there costs a
dozen comparisons per draw, twice per casualty). Built with Vose's numerically stable
variant (Vose 1991, "A linear algorithm for generating random numbers with a given
distribution", IEEE TSE 17(9)). Compiled with the hot modules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


class Alias:
    """Draws an index in range(n) with the given weights. A plain class (not a
    dataclass) so mypyc compiles it; it is never changed once built."""

    def __init__(self, threshold: tuple[float, ...], alias: tuple[int, ...]) -> None:
        self.threshold = threshold
        self.alias = alias
        self.n = len(threshold)

    def __reduce__(self) -> tuple[type[Alias], tuple[tuple[float, ...], tuple[int, ...]]]:
        return Alias, (self.threshold, self.alias)  # compiled tables travel pickled

    def __eq__(self, other: object) -> bool:  # tables compare equal after a round trip
        return isinstance(other, Alias) and (self.threshold, self.alias) == (
            other.threshold,
            other.alias,
        )

    def __hash__(self) -> int:
        return hash((self.threshold, self.alias))

    def draw(self, r: Callable[[], float]) -> int:
        """One index: column by the integer part of r() * n, kept or aliased by the rest."""
        x = r() * self.n
        column = int(x)
        if column >= self.n:  # r() * n rounds up to n for r() just below 1
            column = self.n - 1
        return column if x - column < self.threshold[column] else self.alias[column]


def alias_of(weights: Sequence[float]) -> Alias:
    """The alias table of positive weights."""
    n = len(weights)
    total = sum(weights)
    scaled = [w * n / total for w in weights]
    threshold = [1.0] * n
    alias = list(range(n))
    small = [i for i, p in enumerate(scaled) if p < 1.0]
    large = [i for i, p in enumerate(scaled) if p >= 1.0]
    while small and large:
        low, high = small.pop(), large.pop()
        threshold[low] = scaled[low]
        alias[low] = high
        scaled[high] = scaled[high] + scaled[low] - 1.0
        (small if scaled[high] < 1.0 else large).append(high)
    for i in small + large:  # left over by rounding: exactly 1
        threshold[i] = 1.0
    return Alias(tuple(threshold), tuple(alias))
