"""Render workers hand chunks over in shared memory: same bytes, nothing left behind."""

from __future__ import annotations

import io
from collections.abc import Iterator
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import Any

import orjson
import pytest

import generation
from generation import runner
from generation.writers.formats import card_record
from tests.engine.conftest import scenario

SHARED_MEMORY = Path("/dev/shm")


class MemorySink:
    """Collects the bytes written to each file name."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def __call__(self, name: str) -> io.BytesIO:
        files = self.files

        class Capture(io.BytesIO):
            def close(self) -> None:
                files[name] = self.getvalue()
                super().close()

        return Capture()


def run(workers: int, **options: Any) -> dict[str, bytes]:
    sink = MemorySink()
    generation.generate(
        scenario(total_patients=600),
        seed=3,
        sink=sink,
        formats=("json", "csv"),
        chunk_size=50,
        workers=workers,
        **options,
    )
    return sink.files


def shared_segments() -> set[str]:
    return {path.name for path in SHARED_MEMORY.glob("psm_*")}


@pytest.fixture
def chunks_read_in_place(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the chunks this process read from a shared slot rather than the pipe."""
    read: list[int] = []
    views = runner._Slots.views

    def counted(self: runner._Slots, slot: int, lengths: list[int]) -> list[memoryview]:
        read.append(slot)
        return views(self, slot, lengths)

    monkeypatch.setattr(runner._Slots, "views", counted)
    return read


@pytest.fixture
def no_segment_left(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shared-memory blocks this run creates are all gone afterwards.

    Only its own blocks are watched: other processes on the machine (a second test run,
    a worker) create and remove theirs meanwhile.
    """
    if not SHARED_MEMORY.is_dir():
        pytest.skip("no /dev/shm to inspect here")
    created: list[str] = []
    init = runner._Slots.__init__

    def recorded(self: runner._Slots, blocks: list[SharedMemory]) -> None:
        created.extend(block.name for block in blocks)
        init(self, blocks)

    monkeypatch.setattr(runner._Slots, "__init__", recorded)
    yield
    assert created, "the run made no shared-memory blocks: nothing was checked"
    assert set(created) & shared_segments() == set()


@pytest.fixture(scope="module")
def reference() -> dict[str, bytes]:
    return run(workers=1)


def test_chunks_from_workers_are_read_in_place_and_match_one_process(
    reference: dict[str, bytes], chunks_read_in_place: list[int], no_segment_left: None
) -> None:
    assert run(workers=2) == reference
    assert len(chunks_read_in_place) == 600 // 50
    assert set(chunks_read_in_place) == set(range(2 * 2 + 1))  # the slots are reused


def test_a_chunk_too_big_for_its_slot_comes_through_the_pipe_unchanged(
    reference: dict[str, bytes],
    chunks_read_in_place: list[int],
    no_segment_left: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "_slot_size", lambda formats, chunk_size: 1)
    assert run(workers=2) == reference
    assert chunks_read_in_place == []


def test_without_shared_memory_to_reserve_chunks_come_through_the_pipe(
    reference: dict[str, bytes],
    chunks_read_in_place: list[int],
    no_segment_left: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(block: Any, size: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner, "_reserve_pages", full)
    assert run(workers=2) == reference
    assert chunks_read_in_place == []


def test_a_cancelled_run_leaves_no_shared_memory(no_segment_left: None) -> None:
    asked = iter(range(100))
    with pytest.raises(generation.Cancelled):
        run(workers=2, should_stop=lambda: next(asked) >= 3)


def test_a_failing_sink_leaves_no_shared_memory_and_its_error_propagates(
    no_segment_left: None,
) -> None:
    class Full(io.BytesIO):
        def write(self, data: Any) -> int:
            if self.tell() > 100_000:
                raise OSError(28, "No space left on device")
            return super().write(data)

    with pytest.raises(OSError, match="No space left"):
        generation.generate(
            scenario(total_patients=600),
            seed=3,
            sink=lambda name: Full(),
            formats=("json", "csv"),
            chunk_size=50,
            workers=2,
        )


def test_slots_reserve_their_memory_up_front_and_are_removed_after(
    no_segment_left: None,
) -> None:
    slots = runner._Slots.reserve(2, 1 << 20)
    assert slots is not None
    try:
        assert (SHARED_MEMORY / slots.name(1)).stat().st_blocks * 512 >= 1 << 20
    finally:
        slots.remove()


def test_cards_come_as_one_unlisted_line_per_patient() -> None:
    plain, with_cards = MemorySink(), MemorySink()
    options: dict[str, Any] = {"seed": 3, "formats": ("json",), "chunk_size": 70}
    sc = scenario(total_patients=300)
    generation.generate(sc, sink=plain, **options)
    result = generation.generate(sc, sink=with_cards, cards=True, workers=2, **options)

    # The asked-for files and the manifest are the same bytes, with or without cards.
    assert {name: data for name, data in with_cards.files.items() if name != "cards.ndjson"} == (
        plain.files
    )
    assert [f.name for f in result.files] == ["patients.json", "summary.json", "manifest.json"]
    assert result.cards is not None and result.cards.name == "cards.ndjson"
    lines = with_cards.files["cards.ndjson"].splitlines()
    assert result.cards.size == len(with_cards.files["cards.ndjson"])
    records = generation.generate_chunk(generation.make_plan(sc, 3), 0, 300)
    assert [orjson.loads(line) for line in lines] == [card_record(r) for r in records]


def test_card_lines_hold_what_a_card_shows_in_the_records_shapes() -> None:
    record = generation.generate_chunk(generation.make_plan(scenario(total_patients=40), 3), 0, 40)
    line = card_record(next(r for r in record if r.get("treatments")))
    treatment = line["treatments"][0]
    assert set(treatment) == {"time", "facility", "display"}
    assert set(line["conditions"][0]) == {"display", "body_site"}
    no_detail = scenario(total_patients=5, clinical_detail=False)
    bare = card_record(generation.generate_chunk(generation.make_plan(no_detail, 3), 0, 1)[0])
    assert bare["transport"] is None and bare["treatments"] == []


def test_cards_are_not_a_format_to_choose() -> None:
    with pytest.raises(ValueError, match="pass cards=True"):
        generation.generate(
            scenario(total_patients=5), seed=1, sink=MemorySink(), formats=["cards"]
        )
