"""Counts over generated records, mergeable across chunks and processes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

FIELDS = ("category", "triage", "outcome", "nationality", "front", "outcome_facility")


class Summary:
    def __init__(self) -> None:
        self.total = 0
        self.counts: dict[str, Counter[str]] = {field: Counter() for field in FIELDS}
        # With a scenario `capacity`: where and when care ran out (capacity.CareColumns.report).
        self.capacity: dict[str, Any] | None = None

    def add(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.total += 1
            for field in FIELDS:
                self.counts[field][record[field] or "none"] += 1

    def merge(self, other: Summary) -> None:
        self.total += other.total
        for field in FIELDS:
            self.counts[field].update(other.counts[field])
        if other.capacity is not None:
            self.capacity = other.capacity

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: {"total": n, "by_category": {...}, ...}, keys sorted."""
        result: dict[str, Any] = {"total": self.total}
        for field in FIELDS:
            result[f"by_{field}"] = dict(sorted(self.counts[field].items()))
        if self.capacity is not None:  # absent without capacity: summaries stay as they were
            result["capacity"] = self.capacity
        return result
