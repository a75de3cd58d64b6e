"""A live exercise on a 10,000-casualty job, measured through the real parts (`make bench`).

1. Every event of the job through the playback API (what no board asks for, for scale).
2. A board's whole state (what a board gets on connect) at the busiest moment.
3. A board's update when events fall due (`live.board_update`: the events since the
   last update, folded, with the changed casualties' cards): p50/p95/max over every
   exercise minute of the busiest day. Target: a board updates within a second of an
   event falling due, so p95 well under 1 s.

Uses DATABASE_URL and REDIS_URL like the app; the bench user and its job are deleted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_jobs  # noqa: E402  (shares its Django set-up and worker start)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--preset", default="battalion-exercise")
    args = parser.parse_args(argv)
    media = Path(tempfile.mkdtemp(prefix="medgen-bench-"))
    bench_jobs._setup_django(media)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:8]}")
    worker: subprocess.Popen[bytes] | None = None
    try:
        worker = bench_jobs._start_worker(media)
        job = _completed_job(user, args)
        worker.terminate()
        worker.wait(20)
        worker = None
        bench_boards(job, args.patients)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(20)
        user.delete()
    return 0


def _completed_job(user: Any, args: argparse.Namespace) -> Any:
    import generation
    from jobs.models import Job
    from jobs.runs.submit import submit_job

    document = generation.load_preset(args.preset) | {"total_patients": args.patients}
    job = submit_job(user, document, ["ndjson"])  # cards read their record from it
    while job.is_active:
        time.sleep(0.05)
        job.refresh_from_db()
    if job.status != Job.Status.COMPLETED:
        raise SystemExit(f"exercise: the job ended {job.status}: {job.error}")
    return job


def bench_boards(job: Any, patients: int) -> None:
    from jobs.exercises import events, live
    from jobs.exercises.models import ExerciseRun

    started = time.perf_counter()
    everything = events.events_between(job, float("-inf"), float("inf"))
    took = time.perf_counter() - started
    print(
        f"exercise: all {len(everything):,} events of {patients:,} casualties through the "
        f"playback API in {took:.2f} s (a board never asks for all of them)"
    )
    run = ExerciseRun.objects.create(
        job=job, name="bench", window_start=0, window_end=everything[-1].position, speed=60
    )
    busiest = _busiest_day(everything)
    for board in ("R1", "R2", "evac"):
        started = time.perf_counter()
        state, message = live.board_snapshot(run, board, busiest + 43_200)
        took = time.perf_counter() - started
        print(
            f"exercise: {board} board's whole state at midday of the busiest day: "
            f"{len(message['entries'])} casualties in {took * 1000:.0f} ms"
        )
    state, _ = live.board_snapshot(run, "R1", busiest)
    times, changed = [], 0
    for minute in range(0, 24 * 60, 2):
        after = busiest + minute * 60
        started = time.perf_counter()
        update = live.board_update(run, state, after, after + 120)
        times.append(time.perf_counter() - started)
        changed += len(update["entries"]) if update else 0
    times.sort()
    print(
        f"exercise: R1 board update per 2 exercise minutes over the busiest day ({changed:,} "
        f"changes): p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms  "
        f"target: within 1 s of an event falling due"
    )


def _busiest_day(everything: list[Any]) -> float:
    """Start (seconds) of the day with the most events."""
    days: dict[int, int] = {}
    for position in (event.position for event in everything):
        days[int(position // 86_400)] = days.get(int(position // 86_400), 0) + 1
    return max(days, key=days.__getitem__) * 86_400.0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
