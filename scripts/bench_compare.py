"""`make bench` step: this engine against an earlier commit's, the two run in turn.

The machine is shared and its speed changes from day to day, so a time measured on one
day says little about what a change cost. Two engines run alternately, in the same
minutes, say it: the earlier commit is checked out into a detached worktree under
`.build/compare/`, its engine compiled as `make native` compiles it, and both generate
the same preset through their own command line, round after round:

- with one process (`--workers 1`), whose CPU time the kernel reports exactly (user +
  system of the child, read from getrusage), so other processes' load matters little;
- with the bench's workers, whose wall time is what a user waits;
- once under valgrind (when installed), whose instruction count does not depend on the
  machine's load at all: instructions per patient are the difference between a run of
  `--instructions` patients and one of a tenth as many, divided by the difference.

Medians per engine and the ratio this/earlier are printed. `BENCH_REF` (Makefile) names
the earlier commit; by default the engine last measured before issue 15 added its
realism (vitals from conditions, triage sieve, grids, names, ranks).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPARE_DIR = ROOT / ".build" / "compare"
DEFAULT_REF = "12846e5"  # 2026-11-23: 100K with clinical detail in 4.2-5.1 s (README)


@dataclass
class Engine:
    label: str
    root: Path
    command: list[str]
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ref", default=os.environ.get("BENCH_REF") or DEFAULT_REF)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--preset", default="battalion-exercise")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--instructions", type=int, default=20_000, help="0: not counted")
    args = parser.parse_args(argv)
    try:
        earlier_root = checkout(args.ref)
    except subprocess.CalledProcessError as error:
        print(f"compare: could not check out or build {args.ref}: {error}")
        return 1
    engines = [
        Engine(f"earlier ({args.ref})", earlier_root, command_of(earlier_root)),
        Engine("this engine", ROOT, command_of(ROOT)),
    ]
    for _ in range(args.rounds):
        for engine in engines:
            for workers in (1, args.workers):
                seconds = run(engine, args, workers)
                if seconds is None:
                    return 1
    report(engines, args)
    if args.instructions and shutil.which("valgrind"):
        counts = [instructions_per_patient(engine, args) for engine in engines]
        print(
            f"  instructions a patient   earlier {counts[0]:,.0f}   this {counts[1]:,.0f}   "
            f"this / earlier {counts[1] / counts[0]:.3f} x  (valgrind, 1 process)"
        )
    elif args.instructions:
        print("  instructions: valgrind is not installed, not counted")
    return 0


def instructions_per_patient(engine: Engine, args: argparse.Namespace) -> float:
    large, small = args.instructions, max(1_000, args.instructions // 10)
    return (_instructions(engine, args, large) - _instructions(engine, args, small)) / (
        large - small
    )


def _instructions(engine: Engine, args: argparse.Namespace, count: int) -> int:
    out = COMPARE_DIR / "out"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *engine.command,
        "--count", str(count), "--preset", args.preset, "--format", "json,csv",
        "--out", str(out), "--workers", "1", "--no-progress",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=engine.root, env=_engine_env(), capture_output=True)
    shutil.rmtree(out, ignore_errors=True)
    done.check_returncode()
    # callgrind's summary on stderr: "==pid== Collected : 12345"
    for line in done.stderr.decode().splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"no instruction count from valgrind for {engine.label}")


def checkout(ref: str) -> Path:
    """The commit's tree in a worktree of its own, with its engine compiled."""
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    root = COMPARE_DIR / sha[:12]
    if not root.exists():
        COMPARE_DIR.mkdir(parents=True, exist_ok=True)
        git("worktree", "add", "--detach", str(root), sha)
    # Its own build script, so it compiles what that commit compiled; a current build
    # is kept (the script checks its source hashes).
    subprocess.run(
        [sys.executable, "scripts/build_native.py"], cwd=root, check=True, capture_output=True
    )
    return root


def git(*argv: str) -> str:
    done = subprocess.run(["git", *argv], cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def command_of(root: Path) -> list[str]:
    """The engine's command line: `python -m generation`, or `manage.py generate` in
    commits from before the engine had its own."""
    if (root / "generation" / "__main__.py").exists():
        return [sys.executable, "-m", "generation"]
    return [sys.executable, "manage.py", "generate"]


def run(engine: Engine, args: argparse.Namespace, workers: int) -> float | None:
    out = COMPARE_DIR / "out"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        *engine.command, "--count", str(args.count), "--preset", args.preset,
        "--format", "json,csv", "--out", str(out), "--workers", str(workers), "--no-progress",
    ]  # fmt: skip
    env = _engine_env()
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=engine.root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    cpu = _children_cpu() - before
    shutil.rmtree(out, ignore_errors=True)
    if done.returncode:
        print(done.stdout, done.stderr)
        print(f"compare: {engine.label} failed with exit code {done.returncode}")
        return None
    if workers == 1:  # one process: its CPU time is all the work
        engine.cpu.append(cpu)
    else:
        engine.wall.append(wall)
    return wall


def _engine_env() -> dict[str, str]:
    """The engine needs neither database nor Redis: both point nowhere."""
    return {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(engines: list[Engine], args: argparse.Namespace) -> None:
    earlier, this = engines
    print(
        f"compare: {args.count:,} patients with clinical detail, JSON + CSV, {args.preset}, "
        f"{args.rounds} rounds in turn"
    )
    for engine in engines:
        print(
            f"  {engine.label:24} CPU 1 process {statistics.median(engine.cpu):6.2f} s   "
            f"wall {args.workers} workers {statistics.median(engine.wall):6.2f} s"
        )
    cpu = statistics.median(this.cpu) / statistics.median(earlier.cpu)
    wall = statistics.median(this.wall) / statistics.median(earlier.wall)
    print(f"  this / earlier           CPU {cpu:6.3f} x           wall {wall:6.3f} x")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
