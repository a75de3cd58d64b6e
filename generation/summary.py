"""Counts and figures over generated records, mergeable across chunks and processes.

A chunk's `Summary` is gathered in the process that renders the chunk, sent back with
its bytes and merged in order. The counts go to the manifest; the figures (the engine's
`Tally`, plus any record-reading sections in SECTIONS) go to `summary.json`, one key per
section (docs/output-contract.md).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import Any

from generation.figures import document
from generation.figures.section import Context, Section
from generation.figures.tally import Tally
from generation.scenario import Scenario

FIELDS = ("category", "triage", "outcome", "nationality", "front", "outcome_facility")
# Sections gathered from records, beside the tally's (each a `figures.section.Section`
# made for a scenario's context); none yet.
SECTIONS: tuple[Callable[[Context], Section], ...] = ()
Record = dict[str, Any]


def context_of(scenario: Scenario) -> Context:
    return Context(
        start=scenario.start,
        days=scenario.days,
        fronts=tuple(front.name for front in scenario.fronts),
        roles=tuple(scenario.care.roles),
    )


class Summary:
    """The counts of every run; with a `context`, the figures too: `tally` is filled by
    the engine as it makes the records (records.generate_chunk)."""

    def __init__(self, context: Context | None = None) -> None:
        self.total = 0
        # Plain dicts, not Counters: compiled, a dict's get and set are direct calls, while
        # a Counter's item access goes through the generic protocol (and __missing__).
        self.counts: dict[str, dict[str, int]] = {field: {} for field in FIELDS}
        self.context = context
        self.tally = Tally.empty(len(context.fronts)) if context else None
        self.sections: list[Section] = [make(context) for make in SECTIONS] if context else []
        # With a scenario `capacity`: where and when care ran out (capacity.CareColumns.report).
        self.capacity: dict[str, Any] | None = None

    def add(self, records: Iterable[Record]) -> None:
        """Counts the records (and hands them to the record-reading sections)."""
        # As while records are made (records.py): nothing here makes reference cycles,
        # and a collection now would walk every record of the chunk again and again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            counts = [self.counts[field] for field in FIELDS]
            for record in records:
                self.total += 1
                for i, field in enumerate(FIELDS):
                    counter = counts[i]
                    key = record[field] or "none"
                    counter[key] = counter.get(key, 0) + 1
                for section in self.sections:
                    section.add(record)
        finally:
            if collecting:
                gc.enable()

    def merge(self, other: Summary) -> None:
        self.total += other.total
        for field in FIELDS:
            counter = self.counts[field]
            for key, count in other.counts[field].items():
                counter[key] = counter.get(key, 0) + count
        if self.tally is not None and other.tally is not None:
            self.tally.merge(other.tally)
        for mine, theirs in zip(self.sections, other.sections, strict=True):
            mine.merge(theirs)
        if other.capacity is not None:
            self.capacity = other.capacity

    def as_dict(self) -> dict[str, Any]:
        """The counts, JSON-ready: {"total": n, "by_category": {...}, ...}, keys sorted."""
        result: dict[str, Any] = {"total": self.total}
        for field in FIELDS:
            result[f"by_{field}"] = dict(sorted(self.counts[field].items()))
        if self.capacity is not None:  # absent without capacity: summaries stay as they were
            result["capacity"] = self.capacity
        return result

    def figures(self) -> dict[str, Any]:
        """{"hours": n, "timeline": {...}, "flow": {...}, ...}: every hourly series
        `hours` long (whole days covering the scenario and every journey's end)."""
        if self.context is None or self.tally is None:
            return {}
        hours = document.hours_of(self.tally, self.context)
        result: dict[str, Any] = {"hours": hours}
        result.update(document.sections(self.tally, self.context, hours))
        for section in self.sections:
            result[section.name] = section.as_dict(self.context, hours)
        return result
