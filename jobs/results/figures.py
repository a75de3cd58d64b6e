"""A job's figures for the dashboard, report and CSV downloads: its summary.json read
back, with times put in the scenario's zone and the rates set against their references.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from jobs.results import rates
from jobs.results.capacity_lines import capacity_lines
from jobs.results.dtg import local

SUMMARY = "summary.json"


class FiguresUnavailable(Exception):
    """The job has no summary.json (not finished, or made before figures existed)."""


def read_summary(job: Any) -> dict[str, Any]:
    output = job.outputs.filter(name=SUMMARY).first()
    if output is None:
        raise FiguresUnavailable(
            "This job has no figures (it is not finished, or was made before figures existed)."
        )
    with output.file.storage.open(output.file.name, "rb") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


def dashboard_data(
    summary: dict[str, Any], scenario: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the dashboard's charts draw: the summary's sections, hour and day labels in
    the scenario's zone, the rates compared, and the totals the charts must add up to;
    with the job's `scenario`, its capacity of care as lines (None without capacity)."""
    start = datetime.fromisoformat(summary["start"])
    hours = summary["hours"]
    hour_labels = [(start + timedelta(hours=h)).strftime("%d %b %H:%M") for h in range(hours)]
    day_labels = [
        f"D{d + 1} {(start + timedelta(days=d)).strftime('%d %b')}" for d in range(hours // 24)
    ]
    by_category = summary["timeline"]["hourly"]["by_category"].values()
    injured_until = max(
        (max((h for h, n in enumerate(s) if n), default=0) for s in by_category), default=0
    )
    return {
        "start": summary["start"],
        "days": injured_until // 24 + 1,  # days with casualties: the scenario's
        "start_local": local(start),
        "hours": hours,
        "hour_labels": hour_labels,
        "day_labels": day_labels,
        "counts": summary["counts"],
        "timeline": summary["timeline"],
        "flow": summary["flow"],
        "load": summary["load"],
        "care_times": summary["care_times"],
        "injuries": summary["injuries"],
        "outcomes": summary["outcomes"],
        "rates": rates.compared(summary["outcomes"]["rates"]),
        "capacity": capacity_lines(scenario),
    }
