"""`python -m generation`: run the engine from the command line, no Django, database or Redis.

`manage.py generate` is the same command under Django's name (jobs/management/commands).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from multiprocessing import cpu_count
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from generation.presets import load_preset, preset_catalog
from generation.runner import CHUNK_SIZE, Progress, Result, generate
from generation.scenario import Scenario, ScenarioError
from generation.seeds import resolve_seed
from generation.validation import load_scenario_json, parse_scenario
from generation.writers import FORMATS

BAR_WIDTH = 30
DESCRIPTION = (
    "Generate synthetic exercise casualties into files (JSON, NDJSON, CSV, FHIR) + manifest."
)


class CommandError(Exception):
    """A mistake in the command line or its scenario: printed, then exit with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None, prog: str = "python -m generation") -> int:
    """Run the command with `argv` (default: sys.argv[1:]); returns the exit code."""
    options = vars(parser(prog).parse_args(argv))
    try:
        run(options, sys.stdout, sys.stderr)
    except CommandError as error:
        sys.stderr.write(f"{prog}: error: {error}\n")
        return error.code
    return 0


def parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    parser.add_argument("--count", type=int, help="number of casualties (overrides the scenario's)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", help="a shipped preset (see --list-presets)")
    source.add_argument("--scenario", type=Path, help="a scenario JSON file")
    parser.add_argument(
        "--seed", type=int, help="random seed (default: the scenario's, else derived from it)"
    )
    parser.add_argument(
        "--format", default="json,csv", help="comma-separated: json,csv,ndjson,fhir"
    )
    parser.add_argument("--out", type=Path, help="output directory (created if missing)")
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="patients per chunk")
    parser.add_argument("--workers", type=int, default=cpu_count(), help="processes")
    parser.add_argument(
        "--no-clinical",
        action="store_true",
        help="leave out treatments, vital signs, handovers and 9-lines (faster, smaller)",
    )
    parser.add_argument(
        "--no-summary",
        action="store_true",
        help="do not gather the figures or write summary.json (counts stay in the manifest)",
    )
    parser.add_argument(
        "--playback",
        action="store_true",
        help="also write playback.bin, every journey as fixed-size records (docs/playback.md)",
    )
    parser.add_argument("--list-presets", action="store_true", help="list presets and exit")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    """Do what the parsed options ask; raises CommandError on a mistake."""
    if options["list_presets"]:
        for preset in preset_catalog():
            size = f"{preset['total_patients']:>7,} over {preset['days']:>2} days"
            stdout.write(f"{preset['name']:<26} {size}  {preset['title']}\n")
        return
    if options["out"] is None:
        raise CommandError("--out DIR is required")
    scenario = _scenario(options)
    formats = [name.strip() for name in options["format"].split(",") if name.strip()]
    unknown = [name for name in formats if name not in FORMATS]
    if unknown or not formats:
        known = ", ".join(FORMATS)
        raise CommandError(f"--format: unknown {', '.join(unknown) or '(none)'}; use {known}")
    out: Path = options["out"]
    out.mkdir(parents=True, exist_ok=True)
    bar = None if options["no_progress"] else ProgressBar(stderr)
    result = generate(
        scenario,
        seed=resolve_seed(scenario, options["seed"]),
        sink=lambda name: _open(out / name),
        formats=formats,
        chunk_size=options["chunk_size"],
        workers=options["workers"],
        on_progress=bar.update if bar else None,
        figures=not options["no_summary"],
        playback=options["playback"],
    )
    if bar:
        bar.finish()
    stdout.write(render_summary(result, out) + "\n")


def _scenario(options: dict[str, Any]) -> Scenario:
    document = _document(options)
    if options["count"] is not None:
        document["total_patients"] = options["count"]
    if options["no_clinical"]:
        document["clinical_detail"] = False
    try:
        return parse_scenario(document)
    except ScenarioError as error:
        lines = "\n".join(f"  {issue}" for issue in error.issues)
        raise CommandError(f"the scenario is not valid:\n{lines}", code=2) from None


def _document(options: dict[str, Any]) -> dict[str, Any]:
    if options["preset"]:
        try:
            return load_preset(options["preset"])
        except KeyError as error:
            raise CommandError(str(error.args[0])) from None
    if options["scenario"]:
        try:
            return load_scenario_json(options["scenario"].read_bytes())
        except OSError as error:
            raise CommandError(
                f"cannot read scenario file {options['scenario']}: {error.strerror}", code=2
            ) from None
        except ScenarioError as error:
            raise CommandError(
                f"cannot read scenario file {options['scenario']}: {error}", code=2
            ) from None
    if options["count"] is None:
        raise CommandError("give --count N, --preset NAME or --scenario FILE")
    return {}


def _open(path: Path) -> BinaryIO:
    return path.open("wb")


class ProgressBar:
    """A one-line bar on a terminal stream, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last_draw = 0.0

    def update(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self.last_draw < 0.1 and progress.done < progress.total:
            return
        self.last_draw = now
        share = progress.done / progress.total if progress.total else 1.0
        filled = int(share * BAR_WIDTH)
        rate = progress.done / max(now - self.started, 1e-6)
        self.stream.write(
            f"\r{progress.phase:<10} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{progress.done:>9,}/{progress.total:,} {share:6.1%} {rate:>9,.0f}/s"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def render_summary(result: Result, out: Path) -> str:
    summary = result.summary
    lines = [f"Generated {summary['total']:,} casualties (seed {result.seed}) into {out}"]
    for field in ("category", "triage", "outcome"):
        counts = summary[f"by_{field}"]
        parts = ", ".join(
            f"{key} {value:,} ({value / summary['total']:.1%})" for key, value in counts.items()
        )
        lines.append(f"  {field + ':':<10} {parts}")
    lines.extend(
        f"  {f.name:<18} {f.size:>14,} bytes  sha256 {f.sha256[:16]}…" for f in result.files
    )
    return "\n".join(lines)
