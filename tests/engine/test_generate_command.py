"""`python -m generation` (and its alias `manage.py generate`) work with no database or Redis."""

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


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={**os.environ, **NOWHERE},
        capture_output=True,
        text=True,
        timeout=120,
    )


def generate(*args: str) -> subprocess.CompletedProcess[str]:
    return run("-m", "generation", *args)


def test_it_writes_the_requested_files_and_a_summary(tmp_path: Path) -> None:
    done = generate("--count", "250", "--preset", "mascal-drill", "--seed", "3",
                  "--format", "json,csv,ndjson", "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json", "patients.csv", "patients.json", "patients.ndjson"
    ]  # fmt: skip
    assert len(json.loads((tmp_path / "patients.json").read_text())) == 250
    assert "Generated 250 casualties (seed 3)" in done.stdout
    for heading in ("category:", "triage:", "outcome:"):
        assert heading in done.stdout
    assert "250/250" in done.stderr  # the progress bar


def test_it_is_deterministic_across_worker_counts(tmp_path: Path) -> None:
    for workers in ("1", "2"):
        out = tmp_path / workers
        done = generate("--count", "3000", "--seed", "5", "--workers", workers,
                      "--chunk-size", "700", "--out", str(out), "--no-progress")  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "1" / "patients.json").read_bytes() == (
        tmp_path / "2" / "patients.json"
    ).read_bytes()
    assert (tmp_path / "1" / "manifest.json").read_bytes() == (
        tmp_path / "2" / "manifest.json"
    ).read_bytes()


def test_it_lists_presets() -> None:
    done = generate("--list-presets")
    assert done.returncode == 0
    assert "battalion-exercise" in done.stdout and "1,440 over  8 days" in done.stdout


def test_a_bad_scenario_file_prints_every_error_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({
        "total_patients": 100,
        "fronts": [{"name": "A", "share": 1, "nationalities": {"XYZ": 1}}],
        "injury_mix": {"battle_injury": 0.6, "non_battle_injury": 0.1, "disease": 0.2},
    }))  # fmt: skip
    done = generate("--scenario", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "fronts[0].nationalities.XYZ: unknown nation" in done.stderr
    assert "injury_mix: shares sum to 0.9, expected 1" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_unreadable_scenario_file_is_reported(tmp_path: Path) -> None:
    done = generate("--scenario", str(tmp_path / "missing.json"), "--out", str(tmp_path))
    assert done.returncode == 2 and "cannot read scenario file" in done.stderr


def test_it_never_imports_django(tmp_path: Path) -> None:
    code = (
        "import sys; from generation.cli import main; "
        f"code = main(['--count', '20', '--no-progress', '--out', {str(tmp_path)!r}]); "
        "assert 'django' not in sys.modules, 'the engine CLI imported Django'; sys.exit(code)"
    )
    done = run("-c", code)
    assert done.returncode == 0, done.stderr


def test_manage_py_generate_is_the_same_command(tmp_path: Path) -> None:
    by_alias = run("manage.py", "generate", "--count", "300", "--seed", "9", "--no-progress",
                   "--out", str(tmp_path / "alias"))  # fmt: skip
    by_engine = generate("--count", "300", "--seed", "9", "--no-progress",
                         "--out", str(tmp_path / "engine"))  # fmt: skip
    assert by_alias.returncode == 0, by_alias.stderr
    assert by_alias.stdout.replace("alias", "engine") == by_engine.stdout
    assert (tmp_path / "alias" / "patients.json").read_bytes() == (
        tmp_path / "engine" / "patients.json"
    ).read_bytes()
    bad = run("manage.py", "generate", "--count", "10")
    assert bad.returncode == 1 and "--out DIR is required" in bad.stderr
