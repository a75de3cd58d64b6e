"""`generate`: plan, chunks, writers and manifest, the one call the CLI and workers use.

Chunks are rendered (records -> bytes per format) in worker processes when asked, and
written strictly in order here, with at most a few chunks in flight, so memory stays
flat however many patients are requested.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import IO, Any

from generation import playback as playback_file
from generation.capacity import CareColumns, stepwise
from generation.plan import Plan, make_plan
from generation.records import generate_chunk, id_prefix
from generation.scenario import Scenario
from generation.summary import Summary, context_of
from generation.tables import Tables, compile_tables
from generation.version import __version__
from generation.writers import CARDS, FileWriter, OutputFile, get_format

Sink = Callable[[str], IO[bytes]]
MANIFEST = "manifest.json"
SHM_FOLDER = Path("/dev/shm")  # where Linux keeps POSIX shared memory
SUMMARY = "summary.json"


@dataclass(frozen=True)
class Progress:
    phase: str  # planning | generating | writing
    done: int
    total: int


@dataclass(frozen=True)
class Result:
    seed: int
    summary: dict[str, Any]  # the counts (as in the manifest)
    files: list[OutputFile]  # the chosen formats, then the manifest
    cards: OutputFile | None = None  # with cards=True: writers.CARDS, not in the manifest
    figures: dict[str, Any] = dataclasses.field(default_factory=dict)  # summary.json's


class Cancelled(Exception):
    """`should_stop` asked to stop; files already opened were closed, not completed."""


# Patients per chunk unless told otherwise. A chunk's records live as Python objects until
# every format has written them: at 1000 patients that is tens of MB, far beyond the CPU's
# caches, so each format read them back from memory; at 250 they are still near when the
# formats run. Measured on 100K with clinical detail: 1 process 25-35 % less time than
# with 1000 (100 was faster still alone), 2 workers ~12 % (250 was best: per-chunk
# overheads grow). The bytes written never depend on it.
CHUNK_SIZE = 250


def generate(
    scenario: Scenario,
    *,
    seed: int,
    sink: Sink,
    formats: Sequence[str] = ("json", "csv"),
    chunk_size: int = CHUNK_SIZE,
    workers: int = 1,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    tables: Tables | None = None,
    cards: bool = False,
    figures: bool = True,
    playback: bool = False,
) -> Result:
    """Generate every patient of `scenario` into the requested formats via `sink`.

    `tables` may be handed in already compiled (`compile_tables(scenario)`), e.g. from a
    cache; they must have been compiled from this same scenario. `cards` also writes
    `cards.ndjson` (writers.CARDS: what casualty cards show, one line per patient), which
    the manifest leaves out: it is MedGen's own, not one of the formats asked for. With
    `figures` (the default) the figures are gathered as chunks render and written as
    `summary.json`; with `playback`, every journey also goes to `playback.bin`
    (generation.playback).
    """
    listed = [get_format(name) for name in dict.fromkeys(formats)]
    if CARDS in listed:
        raise ValueError("cards.ndjson is not a format to choose: pass cards=True")
    chosen = [*listed, CARDS] if cards else listed
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    chunk_size = _bounded_chunk_size(
        chunk_size, [fmt.name for fmt in chosen] + (["playback"] if playback else [])
    )
    report = on_progress or (lambda progress: None)
    report(Progress("planning", 0, scenario.total_patients))
    if tables is not None and tables.scenario != scenario:
        differing = [
            f.name
            for f in dataclasses.fields(scenario)
            if getattr(scenario, f.name) != getattr(tables.scenario, f.name)
        ]
        raise ValueError(
            f"tables were compiled from a different scenario (differs in {', '.join(differing)})"
        )
    tables = tables or compile_tables(scenario)
    total = scenario.total_patients  # exact: the plan always holds this many
    writers = [FileWriter(fmt.filename, sink(fmt.filename), fmt.content_type) for fmt in chosen]
    # Between chunks, each file's separator; the playback file has none.
    separators = [fmt.separator for fmt in chosen]
    if playback:
        writers.append(FileWriter(playback_file.FILENAME, sink(playback_file.FILENAME),
                                  playback_file.CONTENT_TYPE))  # fmt: skip
        separators.append(b"")
    summary = Summary(context_of(scenario) if figures else None)
    work = _Work(scenario, seed, tables, [f.name for f in chosen], figures, playback)
    try:
        for w, fmt in zip(writers, chosen, strict=False):
            w.write(fmt.header)
        if playback:
            writers[-1].write(playback_file.header(id_prefix(seed)))
        for first, (bodies, chunk_summary) in _rendered(work, chunk_size, workers):
            if should_stop and should_stop():
                raise Cancelled()
            for w, separator, body in zip(writers, separators, bodies, strict=True):
                if not first and separator:  # apart: `separator + body` would copy the chunk
                    w.write(separator)
                w.write(body)
            summary.merge(chunk_summary)
            report(Progress("generating", summary.total, total))
        if work.capacity_report is not None:  # the capacity pass ran here (_CarePacer)
            summary.capacity = work.capacity_report
    except BaseException:
        for w in writers:
            w.abort()
        raise
    report(Progress("writing", total, total))
    for w, fmt in zip(writers, chosen, strict=False):
        w.write(fmt.footer)
    files = [w.close() for w in writers]
    card_file = next((f for f in files if f.name == CARDS.filename), None) if cards else None
    files = [f for f in files if f is not card_file]
    document = summary.figures()
    if figures:
        files.append(_write_summary(sink, scenario, seed, summary, document))
    files.append(_write_manifest(sink, scenario, seed, summary, files))
    return Result(
        seed=seed, summary=summary.as_dict(), files=files, cards=card_file, figures=document
    )


# Rendered bytes per patient with clinical detail (the larger case), measured on the
# presets; only used to keep chunks small enough that the few in flight stay in memory.
_BYTES_PER_PATIENT = {
    "json": 5_000,
    "ndjson": 5_000,
    "csv": 1_300,
    "fhir": 42_000,
    "cards": 900,
    "playback": playback_file.RECORD_SIZE,
}

_CHUNK_BYTES = 8_000_000


def _bounded_chunk_size(chunk_size: int, formats: list[str]) -> int:
    """`chunk_size`, or fewer patients when the formats would make a chunk's output large.

    Up to 2 * workers + 1 rendered chunks are held at once; with FHIR (~40 KB a patient)
    chunks of 1000 would hold a few hundred MB. Chunk boundaries never change the bytes.
    """
    per_patient = sum(_BYTES_PER_PATIENT.get(name, 5_000) for name in formats)
    return max(1, min(chunk_size, _CHUNK_BYTES // per_patient))


def render_range(
    plan: Plan,
    formats: Sequence[str],
    start: int,
    stop: int,
    figures: bool = False,
    playback: bool = False,
) -> tuple[list[bytes], Summary]:
    """Records start..stop rendered in each format (then as playback records, if asked),
    and their counts (and figures, if asked)."""
    summary = Summary(context_of(plan.tables.scenario) if figures else None)
    rows = playback_file.PlaybackRows() if playback else None
    records = generate_chunk(plan, start, stop, summary.tally, rows)
    summary.add(records)
    if start == 0 and plan.care is not None and plan.care.report:  # the pass's figures, once
        summary.capacity = plan.care.report
    bodies = [get_format(name).render(records) for name in formats]
    if rows is not None:
        bodies.append(rows.to_bytes())
    return bodies, summary


@dataclass  # not frozen (docs/engine-api.md, internals: frozen-dataclasses)
class _Work:
    """What rendering needs; crosses to each render worker once, at its start."""

    scenario: Scenario
    seed: int
    tables: Tables
    formats: list[str]
    figures: bool = True
    playback: bool = False
    capacity_report: dict[str, Any] | None = None  # set when _CarePacer ran the pass

    def plan(self) -> Plan:
        return make_plan(self.scenario, self.seed, self.tables)


class _CarePacer:
    """The capacity pass for render workers, run here a chunk at a time.

    Every worker running the whole pass before its first chunk (as it plans) would add
    the pass's whole time to the run. Instead this process runs it, and hands each chunk
    its casualties' columns (`CareColumns.slice`, a few KB) as soon as their journeys are
    settled, while the workers render the chunks before: the pass overlaps rendering.
    This process then holds the plan and the columns (integer arrays), which it otherwise
    never does. Same columns, so the same bytes as in one process.
    """

    def __init__(self, work: _Work) -> None:
        self.simulation = stepwise(work.plan())

    def columns(self, start: int, stop: int) -> CareColumns:
        with _no_cyclic_gc():  # see capacity.simulate
            self.simulation.advance(stop)
        return self.simulation.out.slice(start, stop)

    def report(self) -> dict[str, Any]:
        with _no_cyclic_gc():
            return self.simulation.result().report


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


Bodies = Sequence[bytes | memoryview]


def _rendered(
    work: _Work, chunk_size: int, workers: int
) -> Iterator[tuple[bool, tuple[Bodies, Summary]]]:
    """Each chunk's rendered bodies and counts, in order; `True` with the first chunk.

    The bodies are valid only until the next chunk is asked for: they may be views of a
    shared buffer that the next chunk is rendered into.
    """
    total = work.scenario.total_patients
    ranges = [(start, min(start + chunk_size, total)) for start in range(0, total, chunk_size)]
    if workers <= 1 or len(ranges) == 1:
        plan = work.plan()
        for i, (start, stop) in enumerate(ranges):
            yield i == 0, render_range(plan, work.formats, start, stop, work.figures, work.playback)
        return
    context = _process_context()
    in_flight = 2 * workers + 1  # bounded look-ahead keeps memory flat
    outputs = work.formats + (["playback"] if work.playback else [])
    slots = _Slots.reserve(min(in_flight, len(ranges)), _slot_size(outputs, chunk_size))
    try:
        # Each worker plans for itself as it starts (the plan is deterministic), so
        # planning runs on the workers' cores while this process starts them and queues
        # the chunks, instead of before them; and this process never holds a plan (but
        # with capacity, where it runs the capacity pass for them: _CarePacer).
        with context.Pool(workers, initializer=_init_worker, initargs=(work,)) as pool:
            pacer = _CarePacer(work) if work.scenario.capacity is not None else None
            pending: deque[tuple[int, Any]] = deque()
            written = 0
            for i, (start, stop) in enumerate(ranges):
                slot = i % in_flight if slots else -1
                name = slots.name(slot) if slots else None
                care = pacer.columns(start, stop) if pacer is not None else None
                task = (start, stop, name, care)
                pending.append((slot, pool.apply_async(_render_in_worker, task)))
                if len(pending) == in_flight:
                    yield from _received(written == 0, *pending.popleft(), slots)
                    written += 1
            while pending:
                yield from _received(written == 0, *pending.popleft(), slots)
                written += 1
            if pacer is not None:
                work.capacity_report = pacer.report()
    finally:
        if slots:
            slots.remove()


def _received(
    first: bool, slot: int, result: Any, slots: _Slots | None
) -> Iterator[tuple[bool, tuple[Bodies, Summary]]]:
    """One chunk's result, its bodies read in place from its slot if they were put there.

    The views are released once the consumer asks for the next chunk (or stops), so the
    slot can be rendered into again and finally closed.
    """
    bodies, lengths, summary = result.get()
    if bodies is not None or slots is None:
        yield first, (bodies, summary)
        return
    views = slots.views(slot, lengths)
    try:
        yield first, (views, summary)
    finally:
        for view in views:
            view.release()


# Room per slot for the estimated output of a chunk, and some more: a chunk that does not
# fit is sent back through the pool's pipe instead, correct but slower.
_SLOT_MARGIN = 1.25
_MB = 1 << 20


def _slot_size(formats: Sequence[str], chunk_size: int) -> int:
    per_patient = sum(_BYTES_PER_PATIENT.get(name, 5_000) for name in formats)
    wanted = int(per_patient * chunk_size * _SLOT_MARGIN)
    return max(_MB, -(-wanted // _MB) * _MB)


class _Slots:
    """Shared-memory buffers that render workers write chunks into, one per chunk in flight.

    A chunk returned through the pool is pickled by the worker, read from the pipe 64 KB at
    a time and unpickled again here: three copies of megabytes and much of this process's
    CPU. Written into a slot, it is copied once, by the worker, and read here in place.
    The same slots serve the whole run, so their pages are faulted in once, not per chunk.
    """

    def __init__(self, blocks: list[SharedMemory]) -> None:
        self._blocks = blocks

    @classmethod
    def reserve(cls, count: int, size: int) -> _Slots | None:
        """`count` slots of `size` bytes, or None where shared memory cannot be had.

        Their memory is reserved up front: a worker writing into a page of a full
        /dev/shm (Docker gives 64 MB) would die of SIGBUS, not get an error.
        """
        blocks: list[SharedMemory] = []
        try:
            for _ in range(count):
                blocks.append(SharedMemory(create=True, size=size))
                _reserve_pages(blocks[-1], size)
        except OSError:
            cls(blocks).remove()
            return None
        return cls(blocks)

    def name(self, slot: int) -> str:
        return self._blocks[slot].name

    def views(self, slot: int, lengths: list[int]) -> list[memoryview]:
        buffer = _buffer(self._blocks[slot])
        views, offset = [], 0
        for length in lengths:
            views.append(buffer[offset : offset + length])
            offset += length
        return views

    def remove(self) -> None:
        for block in self._blocks:
            block.close()
            block.unlink()


def _buffer(block: SharedMemory) -> memoryview:
    buffer = block.buf
    if buffer is None:  # only once closed
        raise ValueError(f"shared memory {block.name} is closed")
    return buffer


def _reserve_pages(block: SharedMemory, size: int) -> None:
    """Allocate the block's memory now, raising OSError if there is none.

    Linux keeps POSIX shared memory as files in /dev/shm, so the block is opened by its
    public name and reserved with the C library's posix_fallocate. Elsewhere (no such
    folder, or no such call) there is nothing to reserve, nor a tmpfs that fills up under
    us. (Not os.posix_fallocate: the engine does not import os, see test_purity.)
    """
    path = SHM_FOLDER / block.name.lstrip("/")
    try:
        fallocate = ctypes.CDLL(None, use_errno=True).posix_fallocate
    except (OSError, AttributeError):
        return
    if not path.exists():
        return
    with path.open("r+b") as handle:
        error = fallocate(handle.fileno(), ctypes.c_int64(0), ctypes.c_int64(size))
    if error:
        raise OSError(error, f"cannot reserve {size} bytes of shared memory")


def _process_context() -> multiprocessing.context.BaseContext:
    """Render workers come from a fork server that holds only the engine.

    Forking the caller instead would copy its threads' locks (an RQ worker or a test
    runner has threads; a child could wait forever on a lock taken at fork time) and its
    memory. Like "spawn", this needs the usual `if __name__ == "__main__":` guard in a
    script that asks for several workers; manage.py has it.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["generation.runner"])
    return context


_worker_state: dict[str, Any] = {}


def _init_worker(work: _Work) -> None:
    # Runs once per worker process.
    _keep_freed_memory()
    _worker_state["plan"], _worker_state["work"] = work.plan(), work


# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _keep_freed_memory() -> None:
    """Let a render worker reuse the memory of one chunk's output for the next.

    docs/engine-api.md, internals: glibc-malloc. A worker's memory is then its largest
    chunk, a few tens of MB. Only in render workers (processes of our own), only where
    glibc's mallopt exists.
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 64 << 20)
    mallopt(_M_TRIM_THRESHOLD, 256 << 20)


def _render_in_worker(
    start: int, stop: int, slot: str | None, care: CareColumns | None = None
) -> tuple[list[bytes] | None, list[int], Summary]:
    """Render a chunk into the shared slot `slot` and return its lengths, if it fits;
    else return the bodies themselves. `care`: the chunk's capacity columns, if any."""
    work: _Work = _worker_state["work"]
    plan = _worker_state["plan"]
    if care is not None:
        plan.care = care
    bodies, summary = render_range(plan, work.formats, start, stop, work.figures, work.playback)
    lengths = [len(body) for body in bodies]
    if slot is None:
        return bodies, lengths, summary
    buffer = _buffer(_attached(slot))
    if sum(lengths) > len(buffer):
        return bodies, lengths, summary
    offset = 0
    for body, length in zip(bodies, lengths, strict=True):
        buffer[offset : offset + length] = body
        offset += length
    return None, lengths, summary


def _attached(slot: str) -> SharedMemory:
    """The worker's mapping of a slot, opened once and kept for the rest of the run."""
    blocks: dict[str, SharedMemory] = _worker_state.setdefault("slots", {})
    if slot not in blocks:
        blocks[slot] = SharedMemory(name=slot)
    return blocks[slot]


def _write_summary(
    sink: Sink, scenario: Scenario, seed: int, summary: Summary, figures: dict[str, Any]
) -> OutputFile:
    document = {
        "generator": {"name": "medgen", "version": __version__},
        "exercise": True,
        "notice": "SYNTHETIC EXERCISE DATA - not real patients",
        "seed": seed,
        "start": scenario.start.isoformat(),
        "counts": summary.as_dict(),
        **figures,
    }
    writer = FileWriter(SUMMARY, sink(SUMMARY), "application/json")
    writer.write((json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    return writer.close()


def _write_manifest(
    sink: Sink, scenario: Scenario, seed: int, summary: Summary, files: list[OutputFile]
) -> OutputFile:
    manifest = {
        "generator": {"name": "medgen", "version": __version__},
        "exercise": True,
        "notice": "SYNTHETIC EXERCISE DATA - not real patients",
        "seed": seed,
        "scenario": scenario.to_dict(),
        "counts": summary.as_dict(),
        "files": [
            {"name": f.name, "size": f.size, "sha256": f.sha256, "content_type": f.content_type}
            for f in files
        ],
    }
    writer = FileWriter(MANIFEST, sink(MANIFEST), "application/json")
    writer.write((json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    return writer.close()
