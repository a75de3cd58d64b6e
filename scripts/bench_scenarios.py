"""Saved scenarios and their cache, measured through the real parts (`make bench`).

1. Scenario lookup time (`jobs.scenarios.cached.lookup`, what the new-job page does for
   ?scenario=<id>): p50/p95/max over --lookups cached reads, and the uncached read
   (database) for comparison. Target p95 <= 10 ms.
2. Hit rate over --jobs jobs (default 20) started from --scenarios saved scenarios
   (default 4), each looked up like the form does and run by a real `manage.py
   rqworker`: scenario and tables caches, from the Redis counters every process adds to.
   Target > 95 %. Also the same run after flushing those keys (cold cache).
3. Compile time saved per job: `generation.compile_tables` against a tables cache hit.

Uses DATABASE_URL and REDIS_URL like the app; the bench user, its scenarios and jobs are
deleted afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_jobs  # noqa: E402  (shares its Django set-up and worker start)

PRESETS = ("battalion-exercise", "mascal-drill", "peacekeeping", "urban-operations")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--scenarios", type=int, default=4, choices=range(1, 5))
    parser.add_argument("--patients", type=int, default=200, help="per job")
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args(argv)
    media = Path(tempfile.mkdtemp(prefix="medgen-bench-"))
    bench_jobs._setup_django(media)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:8]}")
    worker: subprocess.Popen[bytes] | None = None
    try:
        configs = _saved_scenarios(user, args)
        bench_lookups(configs, args.lookups)
        worker = bench_jobs._start_worker(media)
        bench_hit_rate(user, configs, args.jobs, cold=False)
        bench_hit_rate(user, configs, args.jobs, cold=True)
        bench_compile(configs)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(20)
        user.delete()  # scenarios, jobs and files go with it
    return 0


def _saved_scenarios(user: Any, args: argparse.Namespace) -> list[Any]:
    import generation
    from jobs.models import ScenarioConfig

    return [
        ScenarioConfig.objects.create(
            owner=user,
            name=name,
            document=generation.load_preset(name) | {"total_patients": args.patients},
        )
        for name in PRESETS[: args.scenarios]
    ]


def bench_lookups(configs: list[Any], count: int) -> None:
    from django.core.cache import cache

    from jobs.scenarios import cached as scenarios

    owner = configs[0].owner
    cached = _timed(lambda i: scenarios.lookup(configs[i % len(configs)].pk, owner), count)

    snapshots = [scenarios.version_key(c.pk, c.version) for c in configs]

    def uncached(i: int) -> None:
        cache.delete(snapshots[i % len(configs)], version=scenarios.CACHE_VERSION)
        scenarios.lookup(configs[i % len(configs)].pk, owner)

    cold = _timed(uncached, 200)
    print("scenarios: lookup of a saved scenario (jobs.scenarios.cached.lookup)")
    print(f"  cached          {_percentiles(cached)}  (target p95 <= 10 ms)")
    print(f"  snapshot evicted {_percentiles(cold)}  (the version row read, then cached)")


def bench_hit_rate(user: Any, configs: list[Any], jobs: int, cold: bool) -> None:
    from django.core.cache import cache

    from jobs.infra import stats
    from jobs.scenarios import cached as scenarios

    if cold:  # every key of these scenarios gone, as after a Redis restart
        keys = [scenarios.version_key(c.pk, c.version) for c in configs]
        cache.delete_many(keys, version=scenarios.CACHE_VERSION)
        for config in configs:
            cache.delete(scenarios.tables_key(_scenario(config)), version=scenarios.CACHE_VERSION)
    before = stats.cache_counts()
    started = time.perf_counter()
    _run_jobs(user, configs, jobs)
    wall = time.perf_counter() - started
    after = stats.cache_counts()
    label = "after flushing their keys" if cold else "as saved"
    print(f"scenarios: {jobs} jobs from {len(configs)} saved scenarios, {label} ({wall:.1f} s)")
    delta = {name: tuple(after[name][i] - before[name][i] for i in (0, 1)) for name in after}
    # Tables: a hit in the worker's memory or in Redis both spare the compile.
    delta["tables, any"] = (delta["tables_process"][0] + delta["tables"][0], delta["tables"][1])
    for name in ("scenario", "tables_process", "tables", "tables, any"):
        hits, misses = delta[name]
        rate = 100 * hits / max(1, hits + misses)
        target = "  (target > 95 %)" if not cold and name in ("scenario", "tables, any") else ""
        print(f"  {name:14} {hits:3} hits {misses:3} misses  {rate:5.1f} %{target}")


def _run_jobs(user: Any, configs: list[Any], count: int) -> None:
    from jobs.models import Job
    from jobs.runs.submit import submit_job
    from jobs.scenarios import cached as scenarios

    submitted = []
    for i in range(count):
        saved = scenarios.lookup(configs[i % len(configs)].pk, user)
        assert saved is not None
        submitted.append(submit_job(user, saved.document, ["json"], saved.version_id).pk)
    pending = Job.objects.filter(pk__in=submitted, status__in=Job.ACTIVE)
    while pending.exists():
        time.sleep(0.05)
    failed = Job.objects.filter(pk__in=submitted).exclude(status=Job.Status.COMPLETED)
    if failed.exists():
        raise SystemExit(f"scenarios: a job ended {failed.first().status}: {failed.first().error}")


def bench_compile(configs: list[Any]) -> None:
    import generation
    from jobs.scenarios import cached as scenarios

    compiled, in_memory, from_redis = [], [], []
    for config in configs:
        scenario = _scenario(config)
        scenarios.tables_for(scenario)  # cached from here on
        key = scenarios.tables_key(scenario)
        compiled += _timed(lambda _i, s=scenario: generation.compile_tables(s), 30)
        in_memory += _timed(lambda _i, s=scenario: scenarios.tables_for(s), 30)
        from_redis += _timed(lambda _i, k=key, s=scenario: scenarios._shared_tables(k, s), 30)
    saved = statistics.median(compiled) - statistics.median(in_memory)
    print("scenarios: compiled tables per job (reference data already loaded)")
    print(f"  compile         {_percentiles(compiled)}")
    print(f"  hit, worker     {_percentiles(in_memory)}")
    print(f"  hit, Redis      {_percentiles(from_redis)}  (first job of a scenario in a worker)")
    print(f"  saved per job   {saved * 1000:8.2f} ms (median compile - median worker hit)")
    code = (
        "import time, generation; t = time.perf_counter(); generation.reference.warm(); "
        "print(time.perf_counter() - t)"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    load = float(run.stdout) * 1000
    print(
        f"  reference data  {load:8.1f} ms to load, once per worker at start"
        " (jobs.ops.worker.warm_up)"
    )


def _scenario(config: Any) -> Any:
    import generation

    return generation.parse_scenario(config.document)


def _timed(call: Callable[[int], Any], count: int) -> list[float]:
    times = []
    for i in range(count):
        started = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - started)
    return times


def _percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p50, p95 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95)]
    return f"p50 {p50 * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms  max {ordered[-1] * 1000:6.2f} ms"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
