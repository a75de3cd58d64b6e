"""playback.bin: one fixed-size record per casualty, in sequence order, holding the
journey exactly as the patient file tells it."""

from __future__ import annotations

import json

import generation
from generation import playback
from generation.figures.from_records import TimeReader
from tests.engine.conftest import scenario
from tests.engine.test_runner import MemorySink


def run(chunk_size: int, workers: int, clinical: bool = True) -> dict[str, bytes]:
    sink = MemorySink()
    generation.generate(
        scenario(total_patients=400, days=2, clinical_detail=clinical),
        seed=9,
        sink=sink,
        formats=("ndjson",),
        chunk_size=chunk_size,
        workers=workers,
        playback=True,
    )
    return sink.files


def test_each_record_holds_the_journey_of_its_casualty() -> None:
    files = run(chunk_size=64, workers=1)
    data = files["playback.bin"]
    magic, size, _, prefix = playback.HEADER.unpack_from(data, 0)
    assert magic == playback.MAGIC and size == playback.RECORD_SIZE
    records = [json.loads(line) for line in files["patients.ndjson"].splitlines()]
    assert len(data) == playback.HEADER.size + len(records) * size
    assert records[0]["id"].startswith(prefix.rstrip(b"\0").decode())
    reader = TimeReader(
        generation.parse_scenario(json.loads(files["manifest.json"])["scenario"]).start
    )
    for n, record in enumerate(records):
        values = playback.RECORD.unpack_from(data, playback.HEADER.size + n * size)
        injury, end, front, category, triage, outcome, precedence, steps = values[:8]
        requests, poi_request = values[8:10]
        sent = [reader.seconds(m["time"]) for m in record.get("medevac_requests", [])]
        assert requests == (1 if sent else 0)
        assert poi_request == (sent[0] if sent else -1)
        assert injury == reader.seconds(record["injury_time"])
        assert end == reader.seconds(record["outcome_time"])
        assert playback.CATEGORIES[category] == record["category"]
        assert playback.TRIAGE[triage] == record["triage"]
        assert playback.OUTCOMES[outcome] == record["outcome"]
        assert playback.PRECEDENCES[precedence] == (record["precedence"] or "")
        assert steps == len(record["timeline"])
        for i, entry in enumerate(record["timeline"]):
            when, facility, event, retriage = values[10 + 4 * i : 14 + 4 * i]
            assert when == reader.seconds(entry["time"])
            assert playback.FACILITIES[facility] == entry["facility"]
            assert playback.EVENTS[event] == entry["event"]
            assert playback.TRIAGE[retriage] == entry.get("triage", "")
        assert values[10 + 4 * steps :] == (0,) * (4 * (playback.MAX_STEPS - steps))
        if n < 3:
            assert front == 0  # the default scenario has one front


def test_the_file_does_not_depend_on_chunks_or_workers() -> None:
    reference = run(chunk_size=1000, workers=1)["playback.bin"]
    assert run(chunk_size=7, workers=2)["playback.bin"] == reference
    assert len(run(chunk_size=50, workers=1, clinical=False)["playback.bin"]) == len(reference)
