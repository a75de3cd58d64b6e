"""A weighted choice, sampled with one random() and one bisect.

Its own module because both the tables (which build choices) and the compiled fast paths
(which sample them) need it, and the tables import the clinical tables that use the fast
paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Choice(Generic[T]):
    """A weighted choice; `fastops.pick(choice, rng.random)` draws from it."""

    values: tuple[T, ...]
    cumulative: tuple[float, ...]
    total: float  # cumulative[-1], kept apart because every pick needs it

    @classmethod
    def of(cls, weights: dict[T, float] | list[tuple[T, float]]) -> Choice[T]:
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        pairs = [(value, weight) for value, weight in pairs if weight > 0]
        cumulative = tuple(accumulate(weight for _, weight in pairs))
        return cls(tuple(value for value, _ in pairs), cumulative, cumulative[-1])

    def probability(self, value: T) -> float:
        index = self.values.index(value)
        low = self.cumulative[index - 1] if index else 0.0
        return (self.cumulative[index] - low) / self.cumulative[-1]
