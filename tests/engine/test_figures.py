"""summary.json: the figures gathered while chunks render equal the figures computed
from the written files, whatever the chunk size or worker count; and they agree with
what the records say (arrivals, 9-lines sent, surgery, deaths, census)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

import generation
from generation.figures import document
from generation.figures.from_records import TimeReader, add_record
from generation.figures.tally import SURGICAL_CODES, Tally
from generation.summary import context_of
from tests.engine.conftest import scenario
from tests.engine.test_runner import MemorySink

SCENARIO = {
    "total_patients": 900,
    "days": 3,
    "intensity": "high",
    "fronts": [
        {"name": "North", "share": 0.6, "nationalities": {"EST": 0.5, "FIN": 0.5}},
        {"name": "South", "share": 0.4, "nationalities": {"POL": 1}},
    ],
    "special_events": [{"type": "mass_casualty", "day": 2, "size": [20, 30]}],
}


def run(chunk_size: int, workers: int, **overrides: Any) -> dict[str, bytes]:
    sink = MemorySink()
    generation.generate(
        scenario(**{**SCENARIO, **overrides}),
        seed=5,
        sink=sink,
        formats=("ndjson",),
        chunk_size=chunk_size,
        workers=workers,
    )
    return sink.files


def from_files(files: dict[str, bytes]) -> dict[str, Any]:
    """The figures recomputed from patients.ndjson alone, by the record-reading path."""
    manifest = json.loads(files["manifest.json"])
    sc = generation.parse_scenario(manifest["scenario"])
    context = context_of(sc)
    tally = Tally.empty(len(context.fronts))
    reader = TimeReader(sc.start)
    fronts = {name: i for i, name in enumerate(context.fronts)}
    for line in files["patients.ndjson"].splitlines():
        add_record(tally, json.loads(line), reader, fronts)
    hours = document.hours_of(tally, context)
    return {"hours": hours, **document.sections(tally, context, hours)}


@pytest.fixture(scope="module")
def reference() -> dict[str, bytes]:
    return run(chunk_size=1000, workers=1)


def sections_of(files: dict[str, bytes]) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(files["summary.json"])
    for key in ("generator", "exercise", "notice", "seed", "start", "counts"):
        summary.pop(key)
    return summary


def test_gathered_figures_equal_figures_from_the_files(reference: dict[str, bytes]) -> None:
    assert sections_of(reference) == from_files(reference)


@pytest.mark.parametrize(("chunk_size", "workers"), [(1, 1), (37, 1), (250, 2), (64, 2)])
def test_chunking_and_workers_change_no_byte(
    reference: dict[str, bytes], chunk_size: int, workers: int
) -> None:
    files = run(chunk_size, workers)
    assert files["summary.json"] == reference["summary.json"]
    assert files["manifest.json"] == reference["manifest.json"]


def test_without_clinical_detail_the_files_agree_too() -> None:
    files = run(100, 1, clinical_detail=False)
    figures = sections_of(files)
    assert figures == from_files(files)
    assert figures["care_times"]["surgery"]["casualties"] == 0  # no treatments, no surgery
    assert figures["care_times"]["first_care"]["casualties"] > 0


def test_figures_agree_with_the_records(reference: dict[str, bytes]) -> None:
    records = [json.loads(line) for line in reference["patients.ndjson"].splitlines()]
    figures = sections_of(reference)
    counts = json.loads(reference["summary.json"])["counts"]
    hourly = figures["timeline"]["hourly"]
    for key, field in (("by_category", "category"), ("by_front", "front"), ("by_triage", "triage")):
        assert {k: sum(v) for k, v in hourly[key].items()} == counts[f"by_{field}"]
        assert all(len(series) == figures["hours"] for series in hourly[key].values())
    daily = figures["timeline"]["daily"]["by_category"]
    assert {k: sum(v) for k, v in daily.items()} == counts["by_category"]

    arrivals = Counter(
        e["facility"] for r in records for e in r["timeline"] if e["event"] == "arrival"
    )
    load = figures["load"]
    assert {k: sum(v) for k, v in load["arrivals_hourly"].items() if sum(v)} == dict(arrivals)
    # Every 9-line the engine wrote is one evacuation request, by the casualty's precedence.
    sent = Counter(r["precedence"] for r in records for _ in r["medevac_requests"])
    assert {k: sum(v) for k, v in load["evac_requests_hourly"].items() if sum(v)} == dict(sent)
    operated = Counter(
        place
        for r in records
        for place in {t["facility"] for t in r["treatments"] if t["code"] in SURGICAL_CODES}
    )
    assert {k: sum(v) for k, v in load["surgical_cases_daily"].items() if sum(v)} == dict(operated)
    for present in load["census_hourly"].values():
        assert min(present) >= 0 and present[-1] == 0  # everyone has left by the end

    deaths = sum(1 for r in records if r["outcome"] in ("KIA", "DOW"))
    assert sum(figures["timeline"]["deaths_hourly"]) == deaths
    flow = figures["flow"]
    out_of_poi = sum(link["value"] for link in flow["links"] if link["source"] == "POI")
    assert out_of_poi == len(records)
    into_outcomes = Counter()
    for link in flow["links"]:
        if link["target"] in ("KIA", "DOW", "RTD", "Evacuated"):
            into_outcomes[link["target"]] += link["value"]
    expected = Counter(counts["by_outcome"])
    expected["Evacuated"] = expected.pop("EVACUATED", 0)
    assert into_outcomes == expected

    marked = figures["timeline"]["marked_events"]
    assert any(e["kind"] == "mass_casualty" and e["casualties"] >= 20 for e in marked)
    assert sum(e["casualties"] for e in marked) == sum(
        1 for r in records if r["mass_casualty"] or r["special_event"]
    )


def test_rates_follow_their_definitions(reference: dict[str, bytes]) -> None:
    records = [json.loads(line) for line in reference["patients.ndjson"].splitlines()]
    battle = [r for r in records if r["category"] == "battle_injury"]
    outcome = Counter(r["outcome"] for r in battle)
    rates = sections_of(reference)["outcomes"]["rates"]
    assert rates["kia_share"]["value"] == round(outcome["KIA"] / len(battle), 4)
    assert rates["case_fatality"]["numerator"] == outcome["KIA"] + outcome["DOW"]
    wia = len(battle) - outcome["KIA"]
    assert rates["percent_dow"]["denominator"] == wia - outcome["RTD"]
    assert rates["dnbi_share"]["numerator"] == len(records) - len(battle)


def test_care_times_share_within_the_guideline(reference: dict[str, bytes]) -> None:
    records = [json.loads(line) for line in reference["patients.ndjson"].splitlines()]
    reader = TimeReader(generation.parse_scenario(SCENARIO).start)
    first_care = [
        reader.seconds(r["timeline"][1]["time"]) - reader.seconds(r["injury_time"])
        for r in records
        if r["outcome"] != "KIA"
    ]
    care = sections_of(reference)["care_times"]["first_care"]
    assert care["casualties"] == len(first_care)
    assert care["within_guideline"] == sum(1 for s in first_care if s <= 3600)
    assert sum(care["histogram"]) == len(first_care)


def test_no_summary_file_when_figures_are_not_asked_for() -> None:
    sink = MemorySink()
    result = generation.generate(
        scenario(total_patients=50), seed=1, sink=sink, formats=("csv",), figures=False
    )
    assert "summary.json" not in sink.files
    assert result.summary["total"] == 50
