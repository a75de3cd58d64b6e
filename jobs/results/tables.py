"""Each chart's numbers as a table: the same rows feed the table beside the chart (one
click away) and its CSV download. Time series are per day on the page, per hour in the
CSV."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

Table = tuple[list[str], list[list[Any]]]
CATEGORY = {
    "battle_injury": "Battle injury",
    "non_battle_injury": "Non-battle injury",
    "disease": "Disease",
}


def _series_table(
    labels: list[str], first: str, groups: list[tuple[str, dict[str, list[int]]]]
) -> Table:
    header = [first]
    columns: list[list[int]] = []
    for prefix, group in groups:
        for name, values in group.items():
            header.append(f"{prefix}{CATEGORY.get(name, name)}")
            columns.append(values)
    rows = [[label, *(column[i] for column in columns)] for i, label in enumerate(labels)]
    return header, rows


def casualties(data: dict[str, Any], hourly: bool) -> Table:
    source = data["timeline"]["hourly" if hourly else "daily"]
    labels = data["hour_labels"] if hourly else data["day_labels"]
    return _series_table(
        labels,
        "Hour" if hourly else "Day",
        [("", source["by_category"]), ("Front ", source["by_front"]), ("", source["by_triage"])],
    )


def flow(data: dict[str, Any], hourly: bool = False) -> Table:
    return ["From", "To", "Casualties"], [
        [link["source"], link["target"], link["value"]] for link in data["flow"]["links"]
    ]


def load(data: dict[str, Any], hourly: bool) -> Table:
    load = data["load"]
    if hourly:
        return _series_table(
            data["hour_labels"],
            "Hour",
            [
                ("Arrivals ", load["arrivals_hourly"]),
                ("Present ", load["census_hourly"]),
                ("9-lines ", load["evac_requests_hourly"]),
            ],
        )
    # Per day: arrivals and 9-lines summed, census at its daily peak.
    peaks = {
        place: [max(values[d : d + 24]) for d in range(0, len(values), 24)]
        for place, values in load["census_hourly"].items()
    }
    return _series_table(
        data["day_labels"],
        "Day",
        [
            ("Arrivals ", load["arrivals_daily"]),
            ("Peak present ", peaks),
            ("9-lines ", load["evac_requests_daily"]),
        ],
    )


def surgery(data: dict[str, Any], hourly: bool = False) -> Table:
    return _series_table(
        data["day_labels"], "Day", [("Surgical cases ", data["load"]["surgical_cases_daily"])]
    )


def care_times(data: dict[str, Any], hourly: bool = False) -> Table:
    care = data["care_times"]
    bins = care["bins_minutes"]
    labels = [f"≤ {bins[0]} min"]
    labels += [f"{low}-{high} min" for low, high in itertools.pairwise(bins)]
    labels.append(f"> {bins[-1]} min")
    keys = ("first_aid", "first_care", "surgery")
    rows = [[label, *(care[k]["histogram"][i] for k in keys)] for i, label in enumerate(labels)]
    rows.append(["Within guideline", *(care[k]["within_guideline"] for k in keys)])
    rows.append(["Share within guideline", *(_percent(care[k]["share_within"]) for k in keys)])
    header = [
        "Time from injury",
        "First aid (10 min)",
        "First medical facility (60 min)",
        "Surgery (120 min)",
    ]
    return header, rows


def body_sites(data: dict[str, Any], hourly: bool = False) -> Table:
    return ["Body site", "Conditions"], [
        [r["site"], r["count"]] for r in data["injuries"]["body_sites"]
    ]


def conditions(data: dict[str, Any], hourly: bool = False) -> Table:
    return ["SNOMED CT", "Condition", "Casualties"], [
        [r["code"], r["display"], r["count"]] for r in data["injuries"]["top_conditions"]
    ]


def mechanisms(data: dict[str, Any], hourly: bool = False) -> Table:
    return ["Category", "Mechanism", "Casualties"], [
        [CATEGORY.get(c, c), m, n]
        for c, group in data["injuries"]["mechanisms"].items()
        for m, n in group.items()
    ]


def triage(data: dict[str, Any], hourly: bool = False) -> Table:
    return ["Category", "Triage", "Casualties"], [
        [CATEGORY.get(c, c), t, n]
        for c, group in data["injuries"]["triage_by_category"].items()
        for t, n in group.items()
    ]


def nationality(data: dict[str, Any], hourly: bool = False) -> Table:
    return ["Front", "Nation", "Casualties"], [
        [f, nation, n]
        for f, group in data["injuries"]["nationality_by_front"].items()
        for nation, n in group.items()
    ]


def outcome_rates(data: dict[str, Any], hourly: bool = False) -> Table:
    header = ["Rate", "Value", "Numerator", "Denominator", "Reference", "Verdict", "Source"]
    rows = [
        [
            r["label"],
            _percent(r["value"]),
            r["numerator"],
            r["denominator"],
            r["reference_text"],
            r["verdict"],
            r["source"],
        ]
        for r in data["rates"]
    ]
    return header, rows


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


TABLES: dict[str, tuple[str, Callable[[dict[str, Any], bool], Table]]] = {
    "casualties": ("Casualties over time", casualties),
    "flow": ("Flow through the chain of care", flow),
    "load": ("Load per role of care", load),
    "surgery": ("Surgical cases per day", surgery),
    "care-times": ("Time from injury to care (10-1-2)", care_times),
    "body-sites": ("Injuries by body site", body_sites),
    "conditions": ("Top conditions", conditions),
    "mechanisms": ("Mechanisms", mechanisms),
    "triage": ("Triage by category", triage),
    "nationality": ("Nationality by front", nationality),
    "rates": ("Rates against their references", outcome_rates),
}
