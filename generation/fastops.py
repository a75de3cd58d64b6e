"""Compiled stand-ins for library calls the per-patient code makes many times.

Each gives exactly what the call it replaces gives (tests/engine/test_fast_paths.py
compares them), but runs as C once compiled (docs/engine-api.md, internals: generic-calls).
"""

from __future__ import annotations

import _random
import math
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from generation.choice import Choice

T = TypeVar("T")


def pick(choice: Choice[T], r: Callable[[], float]) -> T:
    """`choice.pick(rng)` with `r = rng.random`: the same draw, and `bisect_right` by
    hand (the same comparisons, so the same index)."""
    cumulative = choice.cumulative
    draw = r() * choice.total
    low, high = 0, len(cumulative)
    while low < high:
        middle = (low + high) >> 1
        if draw < cumulative[middle]:
            high = middle
        else:
            low = middle + 1
    return choice.values[low]


_C_SEED = _random.Random.seed


def reseed(rng: random.Random, seed: int) -> None:
    """`rng.seed(seed)` for an int: the C seeding without random.py's interpreted
    wrapper, which adds only type checks and the reset of the cached second normal
    draw (the engine's records never draw from gauss())."""
    _C_SEED(rng, seed)


def below(rng: random.Random, n: int) -> int:
    """`rng.randrange(n)` for n > 0: Random's own draw (getrandbits of n's bit length
    until one is below n), without its interpreted layers."""
    bits = n.bit_length()
    draw = rng.getrandbits(bits)
    while draw >= n:
        draw = rng.getrandbits(bits)
    return draw


def exponential(rng: random.Random, rate: float) -> float:
    """`rng.expovariate(rate)`: the same draw and arithmetic, without the interpreted call."""
    return -math.log(1.0 - rng.random()) / rate


def round_half_even(x: float) -> int:
    """`round(x)` of a float: the nearest integer, ties to even, as float.__round__."""
    if x < 0.0:  # ties to even is symmetric; x - floor(x) is exact for x >= 0 only
        return -round_half_even(-x)
    whole = math.floor(x)
    rest = x - whole
    if rest > 0.5 or (rest == 0.5 and whole % 2 == 1):
        return whole + 1
    return whole


def round_tenths(x: float) -> float:
    """`round(x, 1)`: the float nearest to the nearest tenth of x (ties to even).

    x * 10 is rounded to a float, but a tenth's boundary (k + 0.5) is a float itself, so
    the rounding can land on it and never across it: off a boundary the nearest integer
    is right, and k / 10 (a correctly rounded division) is the float nearest k tenths,
    which is what round() returns. The builtin decides what lands on a boundary, and
    zero (where the sign of -0.0 would need care)."""
    scaled = x * 10.0
    tenths = round_half_even(scaled)
    if tenths == 0 or abs(scaled - tenths) == 0.5:
        return round(x, 1)
    return tenths / 10.0


def zero_padded(number: int, width: int) -> str:
    """`f"{number:0{width}d}"` for number >= 0."""
    text = str(number)
    return "0" * (width - len(text)) + text if len(text) < width else text


_FLOAT_TEXT: dict[float, str] = {}


def float_text(value: float) -> str:
    """`str(value)`, remembered: few values recur endlessly (temperatures in tenths), and
    writing a float's shortest form costs far more than a dictionary lookup."""
    text = _FLOAT_TEXT.get(value)
    if text is None:
        text = str(value)
        # Bounded, whatever floats come; not zero: 0.0 and -0.0 are one key, two texts.
        if value and len(_FLOAT_TEXT) < 4096:
            _FLOAT_TEXT[value] = text
    return text
