"""The merged tally as the sections of summary.json: names on the numbers, hourly series
padded to one length, daily sums, census, peaks, shares and rates.

Rate definitions (Holcomb et al. 2006, as in CALIBRATION.md), over battle casualties
(KIA + WIA): CFR = (KIA + DOW) / all; %KIA = KIA / (all - RTD); %DOW = DOW / (WIA - RTD).
"""

from __future__ import annotations

from typing import Any

from generation.figures.section import Context
from generation.figures.tally import (
    BUCKET,
    BUCKETS,
    CATEGORIES,
    MARKED_KINDS,
    OUTCOMES,
    PLACES,
    PRECEDENCES,
    TRIAGE,
    Tally,
)

HOUR = 3600
OUTCOME_NODES = ("KIA", "DOW", "RTD", "Evacuated")
NODE_ORDER = {name: i for i, name in enumerate((*PLACES, *OUTCOME_NODES))}
GUIDELINE = (("first_aid", 10), ("first_care", 60), ("surgery", 120))  # 10-1-2 (F1)
BINS = (10, 30, 60, 90, 120, 180, 240, 360, 720, 1440)  # minutes, upper bounds
SYSTEMIC = "Systemic (no body site)"
TOP = 15


def hours_of(tally: Tally, context: Context) -> int:
    """Whole days covering the scenario and every journey's end."""
    hours = max(context.days * 24, tally.span())
    return -(-hours // 24) * 24


def sections(tally: Tally, context: Context, hours: int) -> dict[str, Any]:
    return {
        "timeline": _timeline(tally, context, hours),
        "flow": _flow(tally),
        "load": _load(tally, hours),
        "care_times": _care_times(tally),
        "injuries": _injuries(tally, context),
        "outcomes": _outcomes(tally),
    }


def padded(values: list[int], length: int) -> list[int]:
    return values + [0] * (length - len(values))


def daily(hourly: list[int]) -> list[int]:
    """Sums of 24-hour blocks from the start (day 1 = the first 24 hours)."""
    return [sum(hourly[d : d + 24]) for d in range(0, len(hourly), 24)]


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _named(
    names: tuple[str, ...] | list[str], groups: list[list[int]], hours: int
) -> dict[str, list[int]]:
    """Series by name, padded; names with nothing at all left out."""
    return {name: padded(groups[i], hours) for i, name in enumerate(names) if any(groups[i])}


def _timeline(tally: Tally, context: Context, hours: int) -> dict[str, Any]:
    hourly = {
        "by_category": _named(CATEGORIES, tally.by_category, hours),
        "by_front": _named(context.fronts, tally.by_front, hours),
        "by_triage": _named(TRIAGE, tally.by_triage, hours),
    }
    events = [
        {
            "event_id": f"E{event + 1:06d}",
            "hour": first // HOUR,
            "offset_s": first,
            "casualties": n,
            "kind": MARKED_KINDS[marker],
        }
        for event, (first, n, marker) in sorted(
            tally.events.items(), key=lambda kv: (kv[1][0], kv[0])
        )
    ]
    return {
        "hourly": hourly,
        "daily": {key: {k: daily(v) for k, v in group.items()} for key, group in hourly.items()},
        "deaths_hourly": padded(tally.deaths, hours),
        "marked_events": events,
    }


def _path(code: int) -> tuple[list[str], str]:
    """Places visited (after the point of injury) and the outcome, from a path code."""
    outcome = OUTCOMES[code % 8]
    code //= 8
    places: list[str] = []
    while code > 1:
        places.append(PLACES[code % 8 - 1])
        code //= 8
    return places[::-1], outcome


def _flow(tally: Tally) -> dict[str, Any]:
    edges: dict[tuple[str, str], int] = {}
    for code, n in tally.paths.items():
        places, outcome = _path(code)
        here = "POI"
        for place in places:
            edges[(here, place)] = edges.get((here, place), 0) + n
            here = place
        node = "Evacuated" if outcome == "EVACUATED" else outcome
        edges[(here, node)] = edges.get((here, node), 0) + n
    ordered = sorted(edges.items(), key=lambda kv: (NODE_ORDER[kv[0][0]], NODE_ORDER[kv[0][1]]))
    nodes = sorted({name for pair in edges for name in pair}, key=NODE_ORDER.__getitem__)
    return {
        "nodes": nodes,
        "links": [{"source": a, "target": b, "value": n} for (a, b), n in ordered],
    }


def _load(tally: Tally, hours: int) -> dict[str, Any]:
    days = hours // 24
    census: dict[str, list[int]] = {}
    for place in (1, 2, 3):
        running, present = 0, []
        for change in padded(tally.census[place], hours):
            running += change
            present.append(running)
        census[PLACES[place]] = present
    arrivals = {PLACES[p]: padded(tally.arrivals[p], hours) for p in (1, 2, 3, 4)}
    requests = {name: padded(tally.evac[i], hours) for i, name in enumerate(PRECEDENCES)}
    surgery = {PLACES[p]: padded(tally.surgical[p], days) for p in (2, 3)}
    all_requests = [sum(column) for column in zip(*requests.values(), strict=True)]
    return {
        "arrivals_hourly": arrivals,
        "arrivals_daily": {p: daily(s) for p, s in arrivals.items()},
        "census_hourly": census,
        "surgical_cases_daily": surgery,
        "evac_requests_hourly": requests,
        "evac_requests_daily": {p: daily(s) for p, s in requests.items()},
        "peaks": {
            "census": {p: _peak(s) for p, s in census.items()},
            "arrivals_per_hour": {p: _peak(s) for p, s in arrivals.items()},
            "surgical_cases_per_day": {p: _peak(s) for p, s in surgery.items()},
            "evac_requests_per_hour": _peak(all_requests),
        },
    }


def _peak(values: list[int]) -> dict[str, int]:
    """The largest value and its first index (hour or day, as the series counts)."""
    best = max(values, default=0)
    return {"value": best, "at": values.index(best) if values else 0}


def _care_times(tally: Tally) -> dict[str, Any]:
    result: dict[str, Any] = {"bins_minutes": list(BINS)}
    for key, (name, limit) in enumerate(GUIDELINE):
        buckets = padded(tally.care[key], BUCKETS)
        over = tally.care_over[key]
        total = sum(buckets) + over
        within = sum(buckets[: limit * 60 // BUCKET])
        histogram, start = [], 0
        for upper in BINS:
            end = upper * 60 // BUCKET
            histogram.append(sum(buckets[start:end]))
            start = end
        histogram.append(over)  # beyond the last bin
        result[name] = {
            "casualties": total,
            "guideline_minutes": limit,
            "within_guideline": within,
            "share_within": share(within, total),
            "median_minutes": _median_minutes(buckets, total),
            "histogram": histogram,
        }
    return result


def _median_minutes(buckets: list[int], total: int) -> int | None:
    """Upper edge (minutes) of the 5-minute bucket holding the median; None if there is
    none or it lies beyond 24 hours."""
    seen = 0
    for i, count in enumerate(buckets):
        seen += count
        if total and seen * 2 >= total:
            return (i + 1) * BUCKET // 60
    return None


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _injuries(tally: Tally, context: Context) -> dict[str, Any]:
    return {
        "body_sites": [{"site": k or SYSTEMIC, "count": n} for k, n in _ranked(tally.body_sites)],
        "conditions_total": sum(tally.conditions.values()),
        "top_conditions": [
            {"code": code, "display": tally.displays[code], "count": n}
            for code, n in _ranked(tally.conditions)[:TOP]
        ],
        "mechanisms": {
            CATEGORIES[c]: dict(sorted(m.items())) for c, m in enumerate(tally.mechanisms) if m
        },
        "triage_by_category": {
            CATEGORIES[c]: {TRIAGE[t]: n for t, n in enumerate(row) if n}
            for c, row in enumerate(tally.triage)
            if any(row)
        },
        "nationality_by_front": {
            context.fronts[f]: dict(sorted(n.items())) for f, n in enumerate(tally.nationality) if n
        },
    }


def _outcomes(tally: Tally) -> dict[str, Any]:
    by_category = {
        CATEGORIES[c]: {OUTCOMES[o]: n for o, n in enumerate(row) if n}
        for c, row in enumerate(tally.outcomes)
        if any(row)
    }
    kia, dow, rtd, evacuated = tally.outcomes[0]
    hit = kia + dow + rtd + evacuated
    wia = hit - kia
    total = sum(sum(row) for row in tally.outcomes)
    all_rtd = sum(row[2] for row in tally.outcomes)
    reached_care = total - sum(row[0] for row in tally.outcomes)
    rates = {
        "kia_share": _rate(kia, hit, "KIA / battle casualties"),
        "case_fatality": _rate(kia + dow, hit, "(KIA + DOW) / battle casualties"),
        "percent_kia": _rate(kia, hit - rtd, "KIA / (battle casualties - RTD)"),
        "percent_dow": _rate(dow, wia - rtd, "DOW / (battle WIA - RTD)"),
        "rtd_share": _rate(all_rtd, reached_care, "RTD / casualties reaching care"),
        "evacuation_share": _rate(evacuated, wia, "evacuated out of theatre / battle WIA"),
        "dnbi_share": _rate(total - hit, total, "(non-battle injury + disease) / all"),
    }
    return {"by_category": by_category, "rates": rates}


def _rate(part: int, whole: int, formula: str) -> dict[str, Any]:
    return {
        "value": share(part, whole),
        "numerator": part,
        "denominator": whole,
        "formula": formula,
    }
