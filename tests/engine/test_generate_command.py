"""`manage.py generate` works with no database or Redis reachable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOWHERE = {
    "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **NOWHERE},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_writes_the_requested_files_and_a_summary(tmp_path: Path) -> None:
    done = manage("generate", "--count", "250", "--preset", "mascal-drill", "--seed", "3",
                  "--format", "json,csv,ndjson", "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json", "patients.csv", "patients.json", "patients.ndjson", "summary.json"
    ]  # fmt: skip
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["counts"]["total"] == 250 and summary["exercise"] is True
    assert sum(sum(v) for v in summary["timeline"]["hourly"]["by_category"].values()) == 250
    assert len(json.loads((tmp_path / "patients.json").read_text())) == 250
    assert "Generated 250 casualties (seed 3)" in done.stdout
    for heading in ("category:", "triage:", "outcome:"):
        assert heading in done.stdout
    assert "250/250" in done.stderr  # the progress bar


def test_it_is_deterministic_across_worker_counts(tmp_path: Path) -> None:
    for workers in ("1", "2"):
        out = tmp_path / workers
        done = manage("generate", "--count", "3000", "--seed", "5", "--workers", workers,
                      "--chunk-size", "700", "--out", str(out), "--no-progress")  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "1" / "patients.json").read_bytes() == (
        tmp_path / "2" / "patients.json"
    ).read_bytes()
    assert (tmp_path / "1" / "manifest.json").read_bytes() == (
        tmp_path / "2" / "manifest.json"
    ).read_bytes()


def test_summary_and_playback_files_are_optional(tmp_path: Path) -> None:
    done = manage("generate", "--count", "40", "--format", "csv", "--no-summary",
                  "--playback", "--out", str(tmp_path), "--no-progress")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json", "patients.csv", "playback.bin"
    ]  # fmt: skip


def test_it_lists_presets() -> None:
    done = manage("generate", "--list-presets")
    assert done.returncode == 0
    assert "battalion-exercise" in done.stdout and "1,440 over  8 days" in done.stdout


def test_a_bad_scenario_file_prints_every_error_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({
        "total_patients": 100,
        "fronts": [{"name": "A", "share": 1, "nationalities": {"XYZ": 1}}],
        "injury_mix": {"battle_injury": 0.6, "non_battle_injury": 0.1, "disease": 0.2},
    }))  # fmt: skip
    done = manage("generate", "--scenario", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "fronts[0].nationalities.XYZ: unknown nation" in done.stderr
    assert "injury_mix: shares sum to 0.9, expected 1" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_unreadable_scenario_file_is_reported(tmp_path: Path) -> None:
    done = manage("generate", "--scenario", str(tmp_path / "missing.json"), "--out", str(tmp_path))
    assert done.returncode == 2 and "cannot read scenario file" in done.stderr
