"""`make bench`: generation speed and memory through the real command, then the job path.

Prints patients/s, wall time, the peak RSS of the largest process, and the peak
proportional set size (PSS) of the whole process tree sampled every 250 ms (PSS counts
pages shared between forked workers once, so it is the memory the run really uses).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from proc_tree import pss_kb, tree  # scripts/: the folder of the script run

ROOT = Path(__file__).resolve().parents[1]
ALL_FORMATS = ("json", "ndjson", "csv", "fhir")
ALL_FORMATS_MAX = 100_000  # a million FHIR bundles would be ~38 GB of disk


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_N", 100_000)))
    parser.add_argument("--preset", default="battalion-exercise")
    parser.add_argument("--format", default="json,csv", help="e.g. json,csv,ndjson,fhir")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--skip-jobs", action="store_true", help="engine only, no job path")
    parser.add_argument(
        "--skip-all-formats", action="store_true", help="no run with every format (FHIR too)"
    )
    args = parser.parse_args(argv)
    production_settings()
    print(f"engine: {engine_build()}")
    status = 0
    for clinical in (False, True):
        status = status or bench_command(args, clinical, args.format)
    if not args.skip_all_formats:  # clinical detail with every format (FHIR ~38 KB/patient)
        count = min(args.count, ALL_FORMATS_MAX)
        status = status or bench_command(args, True, ",".join(ALL_FORMATS), count)
    # The same runs of an earlier engine in turn with this one: what changes cost.
    compare = ["--count", str(min(args.count, 100_000)), "--workers", str(args.workers)]
    status = status or bench_script("bench_compare", compare)
    status = status or bench_script("bench_results", ["--count", str(min(args.count, 100_000))])
    status = status or bench_script("bench_capacity")  # the capacity pass's cost
    if not args.skip_jobs:
        status = status or bench_jobs()
        status = status or bench_script("bench_scenarios")
        status = status or bench_script("bench_exercise")
        status = status or bench_script("bench_load")
    return status


def production_settings() -> None:
    """The settings every bench process (this one, workers, daphne) loads Django with.

    The benches set Django up in this process one after another; the first setup wins,
    so all of them must agree from the start: DEBUG off and one SECRET_KEY (the sessions
    this process signs must be valid in daphne). TLS is left to a reverse proxy.
    """
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        MEDGEN_USER_MAX_ACTIVE_JOBS="0",  # the benches queue many jobs for one user at once
    )


def engine_build() -> str:
    """Which engine the generate command will import: compiled (make native) or not."""
    sys.path.insert(0, str(ROOT))
    from generation import native

    return native.describe()


def bench_command(
    args: argparse.Namespace, clinical: bool, formats: str, count: int | None = None
) -> int:
    count = count or args.count
    shutil.rmtree(args.out, ignore_errors=True)
    command = [
        sys.executable, "-m", "generation", "--count", str(count),
        "--preset", args.preset, "--format", formats, "--out", str(args.out),
        "--workers", str(args.workers), "--no-progress",
    ] + ([] if clinical else ["--no-clinical"])  # fmt: skip
    # Nothing to connect to: the command must not need the database or Redis.
    nowhere = {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    env = {**os.environ, **nowhere}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    sampler = PssSampler(process.pid)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    if process.returncode:
        print(output)
        print(f"generate failed with exit code {process.returncode}")
        return 1
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = sum(f.stat().st_size for f in args.out.iterdir())
    shutil.rmtree(args.out, ignore_errors=True)  # gigabytes with FHIR: measured, not kept
    detail = "with clinical detail" if clinical else "without clinical detail"
    setup = f"{args.preset}, {formats}, {args.workers} workers"
    print(f"engine: {count:,} patients {detail} ({setup})")
    target = "target <= 5 s at 100K" if formats == "json,csv" else "5 s target: JSON + CSV"
    print(f"  wall            {wall:8.2f} s   ({target})")
    print(f"  rate            {count / wall:8,.0f} patients/s")
    print(f"  peak RSS        {largest:8.1f} MB  (largest single process; target <= 150 MB)")
    pss = sampler.peak / 1024
    print(f"  peak PSS tree   {pss:8.1f} MB  (all processes, shared pages counted once)")
    print(f"  output          {size / 1e6:8.1f} MB")
    return 0


class PssSampler(threading.Thread):
    """Samples the summed PSS (kB) of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._stop_event = threading.Event()

    # Reading smaps_rollup walks a process's page tables under its memory lock: every
    # 20 ms it cost the measured run ~1 s of 6 on two cores. Memory is flat over a run,
    # so a quarter-second sample finds the same plateau.
    INTERVAL = 0.25

    def run(self) -> None:
        while not self._stop_event.wait(self.INTERVAL):
            self.peak = max(self.peak, sum(pss_kb(pid) for pid in tree(self.pid)))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def bench_jobs() -> int:
    """The web job path (scripts/bench_jobs.py), when the web app provides it."""
    path = ROOT / "scripts" / "bench_jobs.py"
    if not path.exists():
        print("job path: scripts/bench_jobs.py not present, skipped")
        return 0
    spec = importlib.util.spec_from_file_location("bench_jobs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.main([]))


def bench_script(name: str, argv: list[str] | None = None) -> int:
    """Run scripts/<name>.py's main (saved scenarios and their cache, results, ...)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass looks its module up while it is created
    spec.loader.exec_module(module)
    return int(module.main(argv or []))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
