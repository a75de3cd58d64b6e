"""What a section of summary.json is told about the scenario, and what a section that
reads records (rather than the engine's numbers, like `tally.Tally`) must offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Context:
    """The scenario facts the figures need to put names and times on their numbers."""

    start: datetime
    days: int
    fronts: tuple[str, ...]
    roles: tuple[str, ...]


class Section(Protocol):
    """One more section of summary.json, gathered from each chunk's records.

    `merge` must make the result independent of how records were split into chunks (and
    of the order chunks are merged in), so a job's summary never depends on its chunk
    size or worker count. It travels pickled from render workers.
    """

    name: str

    def add(self, record: dict[str, Any]) -> None: ...

    def merge(self, other: Any) -> None: ...

    def as_dict(self, context: Context, hours: int) -> dict[str, Any]: ...
