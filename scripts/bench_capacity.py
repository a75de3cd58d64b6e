"""Capacity's cost (`make bench`): the same scenario with and without its capacity pass.

The `artillery-high-intensity` preset at --count patients (BENCH_N, default 100K), its
beds, teams and vehicles scaled with the count so that care runs out on the peak days as
in the preset, is generated through the real command (JSON + CSV, clinical detail) once
with its `capacity` section and once without. Target: with <= 1.5 x without (at 1M; the
pass is O(N log N), so the ratio at 100K is a fair guide on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from proc_tree import cpu_seconds, tree  # scripts/: the folder of the script run

ROOT = Path(__file__).resolve().parents[1]
PRESET = "artillery-high-intensity"
MAX_COUNT = 100_000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_N", 100_000)))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs; medians")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import generation

    document = generation.load_preset(PRESET)
    with_capacity = scaled(document, args.count)
    without = {k: v for k, v in with_capacity.items() if k != "capacity"}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for label, doc in (("without capacity", without), ("with capacity", with_capacity)):
            paths[label] = Path(tmp) / f"{label.replace(' ', '-')}.json"
            paths[label].write_text(json.dumps(doc))
        walls: dict[str, list[float]] = {label: [] for label in paths}
        cpus: dict[str, list[float]] = {label: [] for label in paths}
        for _ in range(args.repeat):  # alternating: a load change hits both alike
            for label, path in paths.items():
                measured = run(path, Path(tmp) / "out", args.workers)
                if measured is None:
                    return 1
                walls[label].append(measured[0])
                cpus[label].append(measured[1])
    for label in paths:
        runs = ", ".join(f"{wall:.1f}" for wall in walls[label])
        print(
            f"capacity: {args.count:,} patients {label:17} "
            f"wall {statistics.median(walls[label]):6.2f} s (median of {runs}), "
            f"CPU {statistics.median(cpus[label]):6.2f} s (all processes)"
        )
    wall_ratio = statistics.median(walls["with capacity"]) / statistics.median(
        walls["without capacity"]
    )
    cpu_ratio = statistics.median(cpus["with capacity"]) / statistics.median(
        cpus["without capacity"]
    )
    print(
        f"capacity: with/without {wall_ratio:.2f} x wall, {cpu_ratio:.2f} x CPU "
        f"({args.workers} workers; target <= 1.5; wall is noisy on a shared machine)"
    )
    return 0


class CpuSampler(threading.Thread):
    """The CPU seconds of a process and its descendants (render workers included), read
    from /proc every 0.1 s; each process's last reading counts."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.seen: dict[int, float] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.1):
            for pid in tree(self.pid):
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    self.seen[pid] = max(self.seen.get(pid, 0.0), seconds)

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return sum(self.seen.values())


def scaled(document: dict[str, Any], count: int) -> dict[str, Any]:
    """The preset at `count` patients, every capacity scaled by count / its own total."""
    factor = count / document["total_patients"]
    capacity = document["capacity"]

    def grow(value: int) -> int:
        # The engine's largest count (capacity_validation.MAX_COUNT): at 1M the R3 beds
        # would scale past it (110,000); 100,000 is as roomy.
        return min(MAX_COUNT, max(1, round(value * factor)))

    capacity = {
        **capacity,
        "beds": {role: grow(n) for role, n in capacity["beds"].items()},
        "teams": {role: grow(n) for role, n in capacity["teams"].items()},
        "lift": {
            leg: {
                mode: {**spec, "vehicles": grow(spec["vehicles"])} for mode, spec in modes.items()
            }
            for leg, modes in capacity["lift"].items()
        },
    }
    return {**document, "total_patients": count, "capacity": capacity}


def run(scenario: Path, out: Path, workers: int) -> tuple[float, float] | None:
    """(wall seconds, CPU seconds of every process) of one generate command."""
    command = [
        sys.executable, "-m", "generation", "--scenario", str(scenario),
        "--format", "json,csv", "--out", str(out), "--workers", str(workers), "--no-progress",
    ]  # fmt: skip
    nowhere = {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **nowhere},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    sampler = CpuSampler(process.pid)
    sampler.start()
    output, errors = process.communicate()
    wall = time.perf_counter() - started
    cpu = sampler.stop()
    if process.returncode:
        print(output, errors)
        return None
    return wall, cpu


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
