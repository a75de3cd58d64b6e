"""Hostile scenario documents for the fuzz tests of every entry point (hypothesis).

A case starts from a valid document and breaks it: a value at some path replaced by junk
(wrong types, huge numbers, NaN and Infinity, deep nesting, long strings, NUL, unicode),
a key removed, an unknown key added; or it is raw text (deep brackets, truncated JSON).
`Case.poison` names the path of a value no field accepts, so an entry point that rejects
the document must name that path (or a path inside it).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from generation.scenario import TOP_LEVEL_KEYS
from tests import documents

# The fuzz tests: many documents, no deadline per example (a shared machine), no example
# database on disk, and fixtures that hypothesis may reuse between examples.
FUZZ = settings(
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

HUGE_MARK = "__huge_integer__"  # an integer of 5,000 digits (JSON text) or 10**5000 (Python)


def base_document() -> dict[str, Any]:
    doc = documents.scenario_doc(total_patients=20, days=3)
    doc["title"] = "Fuzz"
    doc["special_events"] = [{"type": "ambush", "day": 2, "size": [2, 5]}]
    doc["care"] = {"transit": {"R1-R2": {"urgent": [10, 60]}}}
    return doc


# Paths of every value in the base document, in the engine's spelling.
def _paths(value: Any, path: str = "") -> list[tuple[str, tuple[Any, ...]]]:
    found: list[tuple[str, tuple[Any, ...]]] = []
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        where = (f"{path}.{key}" if path else key) if isinstance(value, dict) else f"{path}[{key}]"
        found.append((where, (key,)))
        if isinstance(item, dict | list):
            found += [(sub, (key, *keys)) for sub, keys in _paths(item, where)]
    return found


PATHS = _paths(base_document())


def nested(depth: int) -> Any:
    """[[[...]]] `depth` levels deep, built without recursion."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


# Values that no field of a scenario accepts, wherever they are put.
poison = st.one_of(
    st.text(max_size=20).map(lambda text: text + "\x00" + text),
    st.integers(5001, 20_000).map(lambda n: "é" * n),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.integers(150, 400).map(lambda bits: 2**bits),
    st.just(HUGE_MARK),
    st.integers(25, 200).map(nested),
    st.just("\ud800"),
)

# Anything else JSON can hold: may be valid somewhere, must never crash anything.
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", " ", "1", "POL", "R1", "ambush", "2026-03-02T06:00:00"]),
)
junk = st.recursive(
    leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@dataclass
class Case:
    document: dict[str, Any] | None  # None: `text` is not a document hypothesis built
    text: str
    poison: str | None  # path of a value no field accepts

    def python_document(self) -> dict[str, Any] | None:
        """The document as a Python caller (the API) passes it: huge integers as ints."""
        if self.document is None or HUGE_DIGITS not in self.text:
            return self.document
        return json.loads(self.text, parse_int=_int)  # type: ignore[no-any-return]

    def __repr__(self) -> str:  # short, for hypothesis' falsifying example
        return f"Case(poison={self.poison!r}, text={self.text[:300]!r})"


HUGE_DIGITS = "9" * 5000


def _int(digits: str) -> int:
    return 10**5000 if len(digits) > 100 else int(digits)


def to_text(document: dict[str, Any]) -> str:
    try:
        text = json.dumps(document, allow_nan=True, ensure_ascii=False)
    except (RecursionError, ValueError):
        text = "{}"
    # A lone surrogate cannot travel as UTF-8: it arrives as the JSON escape \ud800.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace(f'"{HUGE_MARK}"', HUGE_DIGITS)


def _put(document: dict[str, Any], keys: tuple[Any, ...], value: Any) -> None:
    target: Any = document
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


def _remove(document: dict[str, Any], keys: tuple[Any, ...]) -> None:
    target: Any = document
    for key in keys[:-1]:
        target = target[key]
    del target[keys[-1]]


raw_text = st.one_of(
    st.integers(21, 60_000).map(lambda n: "[" * n + "]" * n),
    st.integers(21, 60_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(0, 200).map(lambda n: to_text(base_document())[:n]),
    st.text(max_size=50),
)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """One hostile document, as a dict and as JSON text."""
    kind = draw(st.sampled_from(["poison", "junk", "unknown", "text"]))
    if kind == "text":
        return Case(None, draw(raw_text), None)
    document = base_document()
    if kind == "poison":  # one change, so nothing else can hide or remove it
        path, keys = draw(st.sampled_from(PATHS))
        _put(document, keys, draw(poison))
        return Case(document, to_text(document), path)
    if kind == "unknown":
        name = draw(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))
        if name not in TOP_LEVEL_KEYS:
            document[name] = draw(junk)
            return Case(document, to_text(document), name)
    for _ in range(draw(st.integers(1, 3))):  # junk: values of any type, keys removed
        path, keys = draw(st.sampled_from(PATHS))
        try:
            if draw(st.booleans()):
                _put(document, keys, draw(junk))
            else:
                _remove(document, keys)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this path's parent
    return Case(document, to_text(document), None)


def well_formed(message: str) -> bool:
    """A message a person can read: short, no NUL, no lone surrogate, no traceback."""
    return len(message) < 600 and printable(message)


def printable(message: str) -> bool:
    """No NUL, no lone surrogate, no traceback (Django's own field messages quote the
    typed value whole, so they are not held to a length)."""
    return (
        "\x00" not in message
        and not any("\ud800" <= char <= "\udfff" for char in message)
        and "Traceback" not in message
    )


def names(message: str, path: str) -> bool:
    """Does `message` (`path: text`) name `path` or a place inside it?"""
    where = message.split(": ", 1)[0]
    return where == path or where.startswith((path + ".", path + "["))
