"""Load and faults, measured through real processes (`make bench` calls `main`).

1. Database connections with ten workers running ten jobs at once: PostgreSQL's
   pg_stat_activity for this database, sampled every 0.1 s; peak, and steady (the median
   while jobs run, and once the workers are idle again).
2. The status view's p95 with the machine idle and with two workers generating
   (`--clients` pages polling once a second), workers at their default lower priority.
3. Time from SIGKILL of a worker running a job (another worker alive and idle, default
   heartbeat settings) until the job runs again.

Heavy: run once, briefly (`make bench` does). Uses DATABASE_URL and REDIS_URL; its user,
jobs and files are deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import signal
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _bench_jobs() -> Any:
    spec = importlib.util.spec_from_file_location("bench_jobs", ROOT / "scripts" / "bench_jobs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--patients", type=int, default=20_000, help="per job")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--skip", default="", help="comma-separated: connections,status,kill")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(","))
    jobs_bench = _bench_jobs()
    media = Path(tempfile.mkdtemp(prefix="medgen-bench-load-"))
    jobs_bench._setup_django(media)
    from django.conf import settings
    from django.contrib.auth import get_user_model

    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 10**6  # this process submits for one user
    user = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:8]}")
    try:
        if "connections" not in skip:
            bench_connections(jobs_bench, media, user, args)
        if "status" not in skip:
            bench_status_under_load(jobs_bench, media, user, args)
        if "kill" not in skip:
            bench_kill(jobs_bench, media, user)
    finally:
        user.delete()
    return 0


def _submit(user: Any, patients: int, seed: int) -> Any:
    import generation
    from jobs.runs.submit import submit_job

    document = generation.load_preset("battalion-exercise") | {"total_patients": patients}
    document["seed"] = seed
    return submit_job(user, document, ["json"])


def _wait_done(jobs: list[Any], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    for job in jobs:
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(0.1)


class ConnectionSampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg
        from django.conf import settings

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
            password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True,
        ) as conn:  # fmt: skip
            while not self.stopping.wait(0.1):
                count = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    (db["NAME"],),
                ).fetchone()[0]  # type: ignore[index]
                self.samples.append((time.monotonic(), int(count)))


def bench_connections(jobs_bench: Any, media: Path, user: Any, args: argparse.Namespace) -> None:
    sampler = ConnectionSampler()
    sampler.start()
    env_before = dict(os.environ)
    os.environ["MEDGEN_ENGINE_WORKERS"] = "1"  # ten workers on a small machine
    workers = [jobs_bench._start_worker(media) for _ in range(args.workers)]
    os.environ.clear()
    os.environ.update(env_before)
    try:
        idle_start = time.monotonic()
        time.sleep(2)
        jobs = [_submit(user, args.patients, seed) for seed in range(args.workers)]
        started = time.monotonic()
        _wait_done(jobs)
        finished = time.monotonic()
        time.sleep(35)  # workers' pools drop idle connections after 30 s
        after = time.monotonic()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        sampler.stopping.set()
        sampler.join()
    during = [n for t, n in sampler.samples if started <= t <= finished]
    idle = [n for t, n in sampler.samples if idle_start <= t <= started]
    settled = [n for t, n in sampler.samples if after - 3 <= t <= after]
    print(
        f"DB connections, {args.workers} workers, {args.workers} jobs of {args.patients:,}: "
        f"peak {max(during, default=0)}, steady while running "
        f"{statistics.median(during) if during else 0:.0f}, idle before {max(idle, default=0)}, "
        f"idle after {max(settled, default=0)} (this process's own pool included; "
        f"target < 20) in {finished - started:.1f} s"
    )


def bench_status_under_load(
    jobs_bench: Any, media: Path, user: Any, args: argparse.Namespace
) -> None:
    from django.conf import settings
    from django.test import Client

    done = _submit(user, 100, 1)
    worker = jobs_bench._start_worker(media)
    _wait_done([done])
    port = jobs_bench._free_port()
    daphne = jobs_bench._start_daphne(media, port)
    jobs_bench._wait_for_port(port)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    path = f"/jobs/{done.id}/status/"
    second = jobs_bench._start_worker(media)
    try:
        asyncio.run(jobs_bench._load(port, path, cookie, 1, 0.5, "closed-loop"))
        idle = asyncio.run(
            jobs_bench._load(port, path, cookie, args.clients, args.seconds, "polling 1/s")
        )
        busy_jobs = [_submit(user, 400_000, seed) for seed in (11, 12)]
        time.sleep(3)  # both workers generating
        busy = asyncio.run(
            jobs_bench._load(port, path, cookie, args.clients, args.seconds, "polling 1/s")
        )
        for job in busy_jobs:
            job.cancel()
    finally:
        for process in (daphne, worker, second):
            process.terminate()
        for process in (daphne, worker, second):
            process.wait(60)
    print(
        _p95("status view p95, idle", idle)
        + "; "
        + _p95("with 2 workers generating", busy)
        + " (target <= 50 ms)"
    )


def _p95(label: str, latencies: list[float]) -> str:
    ms = sorted(value * 1000 for value in latencies)
    return f"{label} {ms[int(0.95 * (len(ms) - 1))]:.1f} ms ({len(ms)} requests)"


def bench_kill(jobs_bench: Any, media: Path, user: Any) -> None:
    from jobs.models import Job

    victim = jobs_bench._start_worker(media)
    job = _submit(user, 400_000, 21)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == Job.Status.RUNNING and job.done > 0:
            break
        time.sleep(0.05)
    survivor = jobs_bench._start_worker(media)
    try:
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        killed = time.monotonic()
        while time.monotonic() < killed + 180:
            job.refresh_from_db()
            if job.attempt >= 2 and job.status == Job.Status.RUNNING:
                break
            time.sleep(0.1)
        took = time.monotonic() - killed
        job.cancel()
    finally:
        survivor.kill()
        survivor.wait(30)
    state = "running again" if job.attempt >= 2 else f"still {job.status}"
    print(f"worker SIGKILL -> job {state} after {took:.1f} s (defaults; target <= 60 s)")


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
