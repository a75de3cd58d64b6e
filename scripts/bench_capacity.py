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
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PRESET = "artillery-high-intensity"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_N", 100_000)))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import generation

    document = generation.load_preset(PRESET)
    with_capacity = scaled(document, args.count)
    without = {k: v for k, v in with_capacity.items() if k != "capacity"}
    with tempfile.TemporaryDirectory() as tmp:
        walls, cpus = {}, {}
        for label, doc in (("without capacity", without), ("with capacity", with_capacity)):
            path = Path(tmp) / f"{label.replace(' ', '-')}.json"
            path.write_text(json.dumps(doc))
            before = _children_cpu()
            wall = run(path, Path(tmp) / "out", args.workers)
            if wall is None:
                return 1
            walls[label], cpus[label] = wall, _children_cpu() - before
            cpu = f" {cpus[label]:8.2f} s CPU" if args.workers == 1 else ""
            print(f"capacity: {args.count:,} patients {label:17} {wall:8.2f} s wall{cpu}")
    ratio = walls["with capacity"] / walls["without capacity"]
    print(f"capacity: ratio with/without  {ratio:8.2f} wall  (target <= 1.5)")
    if args.workers == 1:  # render workers' CPU is not counted: only one process here
        cpu_ratio = cpus["with capacity"] / cpus["without capacity"]
        print(
            f"capacity: ratio with/without  {cpu_ratio:8.2f} CPU   (steadier on a shared machine)"
        )
    return 0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scaled(document: dict[str, Any], count: int) -> dict[str, Any]:
    """The preset at `count` patients, every capacity scaled by count / its own total."""
    factor = count / document["total_patients"]
    capacity = document["capacity"]

    def grow(value: int) -> int:
        return max(1, round(value * factor))

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


def run(scenario: Path, out: Path, workers: int) -> float | None:
    command = [
        sys.executable, "manage.py", "generate", "--scenario", str(scenario),
        "--format", "json,csv", "--out", str(out), "--workers", str(workers), "--no-progress",
    ]  # fmt: skip
    nowhere = {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **nowhere}, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if done.returncode:
        print(done.stdout, done.stderr)
        return None
    return wall


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
