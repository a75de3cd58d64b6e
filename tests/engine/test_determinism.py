"""Same scenario and seed, same bytes: whatever the chunk size or process count."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import generation
from tests.engine.conftest import scenario


class MemorySink:
    """Collects the bytes written to each file name."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def __call__(self, name: str) -> io.BytesIO:
        sink = self

        class Capture(io.BytesIO):
            def close(self) -> None:
                sink.files[name] = self.getvalue()
                super().close()

        return Capture()


def run(chunk_size: int, workers: int = 1, seed: int = 99, **overrides: Any) -> dict[str, bytes]:
    sink = MemorySink()
    sc = scenario(
        total_patients=1234, special_events=[{"type": "ambush", "size": [5, 9]}], **overrides
    )
    generation.generate(
        sc,
        seed=seed,
        sink=sink,
        formats=("json", "ndjson", "csv", "fhir"),
        chunk_size=chunk_size,
        workers=workers,
    )
    return sink.files


def test_it_writes_identical_bytes_whatever_the_chunk_size_or_workers() -> None:
    reference_files = run(chunk_size=1000)
    assert run(chunk_size=1) == reference_files
    assert run(chunk_size=77, workers=2) == reference_files
    assert run(chunk_size=5000) == reference_files


def test_a_different_seed_gives_different_patients() -> None:
    assert run(chunk_size=500)["patients.json"] != run(chunk_size=500, seed=100)["patients.json"]


def test_a_chunk_regenerated_alone_equals_the_same_chunk_of_a_full_run() -> None:
    plan = generation.make_plan(scenario(total_patients=900), 5)
    full = generation.generate_chunk(plan, 0, 900)
    again = generation.make_plan(scenario(total_patients=900), 5)
    assert generation.generate_chunk(again, 300, 450) == full[300:450]
    assert generation.generate_chunk(again, 899, 900) == full[899:]


def test_the_files_are_well_formed_and_agree() -> None:
    files = run(chunk_size=100)
    array = json.loads(files["patients.json"])
    lines = [json.loads(line) for line in files["patients.ndjson"].decode().splitlines()]
    assert array == lines and len(array) == 1234
    assert files["patients.csv"].decode().count("\r\n") == 1235
    manifest = json.loads(files["manifest.json"])
    assert manifest["counts"]["total"] == 1234 and manifest["exercise"] is True
    for entry in manifest["files"]:
        data = files[entry["name"]]
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_seed_never_comes_from_the_clock() -> None:
    sc = scenario()
    assert generation.resolve_seed(sc) == generation.resolve_seed(scenario())
    assert generation.resolve_seed(sc, 3) == 3
    assert generation.resolve_seed(scenario(seed=8)) == 8


def test_cancel_stops_between_chunks_and_closes_files(tmp_path: Path) -> None:
    calls = iter(range(100))
    opened: list[str] = []

    def sink(name: str) -> Any:
        opened.append(name)
        return (tmp_path / name).open("wb")

    try:
        generation.generate(
            scenario(), seed=1, sink=sink, chunk_size=50, should_stop=lambda: next(calls) >= 3
        )
    except generation.Cancelled:
        pass
    else:
        raise AssertionError("expected Cancelled")
    assert "manifest.json" not in opened


def test_progress_is_reported_after_every_chunk() -> None:
    seen: list[generation.Progress] = []
    generation.generate(
        scenario(total_patients=250),
        seed=1,
        sink=MemorySink(),
        chunk_size=100,
        on_progress=seen.append,
    )
    assert [(p.phase, p.done) for p in seen] == [
        ("planning", 0),
        ("generating", 100),
        ("generating", 200),
        ("generating", 250),
        ("writing", 250),
    ]


def test_precompiled_tables_give_the_same_bytes() -> None:
    sc = scenario(total_patients=300)
    tables = generation.compile_tables(sc)
    with_tables, without = MemorySink(), MemorySink()
    generation.generate(sc, seed=4, sink=with_tables, tables=tables)
    generation.generate(sc, seed=4, sink=without)
    assert with_tables.files == without.files


def test_tables_from_another_scenario_are_refused() -> None:
    tables = generation.compile_tables(scenario(total_patients=300))
    try:
        generation.generate(scenario(total_patients=301), seed=4, sink=MemorySink(), tables=tables)
    except ValueError as error:
        assert "different scenario" in str(error)
    else:
        raise AssertionError("expected ValueError")


def test_chunks_shrink_for_bulky_formats_so_the_chunks_in_flight_stay_small() -> None:
    from generation.runner import _bounded_chunk_size

    assert _bounded_chunk_size(1000, ["json", "csv"]) == 1000
    assert _bounded_chunk_size(1000, ["json", "ndjson", "csv", "fhir"]) <= 200
    assert _bounded_chunk_size(10, ["fhir"]) == 10
    assert _bounded_chunk_size(1000, ["fhir"] * 1000) == 1
