"""Results, measured (`make bench` calls `main`):

1. The cost of gathering the figures (summary.json) while chunks render: the CPU time of
   rendering a range of patients (JSON + CSV, clinical detail) with and without the
   figures, and with the playback records too, best of several interleaved rounds (CPU
   time of one process: steadier than wall time on a shared machine). Target <= 5 %.
2. On a --count job's files (made here with the figures and playback.bin, as a job
   makes them): the dashboard's data (summary.json read and prepared, what the view
   sends) and a playback jump (the state at a random moment, the events of the hour
   before it), p50 and p95. Targets: dashboard data <= 200 ms, jump <= 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medgen_site.settings")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_N", 100_000)))
    parser.add_argument("--preset", default="battalion-exercise")
    parser.add_argument("--gather-count", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jumps", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out" / "results")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the job's files")
    parser.add_argument("--skip-gathering", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_gathering:
        gathering(args)
    return queries(args)


def gathering(args: argparse.Namespace) -> None:
    import generation
    from generation.runner import render_range

    document = generation.load_preset(args.preset)
    document["total_patients"] = args.gather_count
    scenario = generation.parse_scenario(document)
    plan = generation.make_plan(scenario, 1)
    best = {"counts only": 1e9, "figures": 1e9, "figures + playback": 1e9}
    options = {
        "counts only": (False, False),
        "figures": (True, False),
        "figures + playback": (True, True),
    }
    for _ in range(args.rounds):
        for name, (figures, playback) in options.items():
            started = time.process_time()
            for first in range(0, args.gather_count, 1000):
                render_range(plan, ("json", "csv"), first, first + 1000, figures, playback)
            best[name] = min(best[name], time.process_time() - started)
    base = best["counts only"]
    print(
        f"results: gathering the figures ({args.gather_count:,} patients, JSON + CSV,"
        f" CPU time, best of {args.rounds})"
    )
    for name, seconds in best.items():
        extra = f"  +{(seconds / base - 1) * 100:4.1f} %" if name != "counts only" else ""
        print(f"  {name:<20} {seconds:6.2f} s{extra}")
    print("  (target: figures <= 5 % of generation)")


def queries(args: argparse.Namespace) -> int:
    if not (args.keep and (args.out / "playback.bin").exists()):
        status = make_files(args)
        if status:
            return status
    return measure(args)


def make_files(args: argparse.Namespace) -> int:
    shutil.rmtree(args.out, ignore_errors=True)
    command = [
        sys.executable, "manage.py", "generate", "--count", str(args.count), "--preset",
        args.preset, "--format", "ndjson", "--playback", "--out", str(args.out), "--no-progress",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        print(done.stdout, done.stderr)
        return 1
    print(
        f"results: a {args.count:,}-patient job's files made"
        f" in {time.perf_counter() - started:.1f} s"
    )
    return 0


def measure(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from jobs.results import figures
    from jobs.results.playback import Playback
    from jobs.results.playback_store import open_playback

    summary_path = args.out / "summary.json"
    print(f"  summary.json {summary_path.stat().st_size / 1e3:.0f} kB, playback.bin "
          f"{(args.out / 'playback.bin').stat().st_size / 1e6:.1f} MB")  # fmt: skip
    dashboard = []
    for _ in range(20):
        started = time.perf_counter()
        data = figures.dashboard_data(json.loads(summary_path.read_bytes()))
        json.dumps(data)  # what the view sends
        dashboard.append(time.perf_counter() - started)
    print(_describe("dashboard data (read, prepare, JSON)", dashboard, "target <= 200 ms"))
    scenario = json.loads((args.out / "manifest.json").read_text())["scenario"]
    started = time.perf_counter()
    player = Playback(open_playback(args.out / "playback.bin"), scenario)
    print(
        f"  playback file opened in {(time.perf_counter() - started) * 1e3:.0f} ms"
        " (once per process)"
    )
    minutes = json.loads(summary_path.read_bytes())["hours"] * 60
    rng = random.Random(1)
    jumps, present = [], []
    for _ in range(args.jumps):
        moment = rng.uniform(0, minutes * 0.6)
        started = time.perf_counter()
        state = player.state_at(moment, 60, limit=100)  # as the playback page asks
        player.events_between(moment - 60, moment, latest=30)  # the page's latest events
        jumps.append(time.perf_counter() - started)
        present.append(state.present)
    print(_describe("playback jump (state + last hour's events)", jumps, "target <= 300 ms"))
    print(
        f"  casualties present per jump: median {statistics.median(present):,.0f},"
        f" max {max(present):,}"
    )
    if not args.keep:
        shutil.rmtree(args.out, ignore_errors=True)
    return 0


def _describe(label: str, seconds: list[float], target: str) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    p50 = statistics.median(ordered)
    return f"  {label:<44} p50 {p50 * 1e3:6.1f} ms  p95 {p95 * 1e3:6.1f} ms  ({target})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
