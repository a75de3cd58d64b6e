"""Settings come from the environment and fail loudly in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
    }
    clean["DJANGO_SETTINGS_MODULE"] = "medgen_site.settings"  # the site's, not the tests'

    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key() -> None:
    result = _manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_passes_the_deploy_checks_with_production_settings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="medgen.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/medgen",  # production uses PostgreSQL
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_a_yes_no_value_it_does_not_understand() -> None:
    result = _manage("check", DEBUG="flase")

    assert result.returncode != 0
    assert "DEBUG='flase': use one of 1, true, yes, on, 0, false, no, off" in result.stderr


def test_it_reads_the_usual_words_for_yes_and_no(monkeypatch: Any) -> None:
    from medgen_site.settings import env_bool

    for value, expected in [("1", True), (" Yes ", True), ("on", True), ("FALSE", False),
                            ("0", False), ("off", False), ("", True)]:  # fmt: skip
        monkeypatch.setenv("SOME_FLAG", value)
        assert env_bool("SOME_FLAG", default=True) is expected, value


def test_the_tests_use_their_own_redis_database(settings: Any) -> None:
    assert settings.TESTING
    assert os.environ.get("REDIS_URL") != settings.REDIS_URL
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    assert settings.RQ_QUEUES["default"]["URL"] == settings.REDIS_URL
    assert [h["address"] for h in settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]] == [
        settings.REDIS_URL
    ]


def test_jobs_chunk_as_the_engine_does_unless_told() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MEDGEN_CHUNK_SIZE"}
    code = (
        "import medgen_site.settings as s, generation.runner as r;"
        "print(s.MEDGEN_CHUNK_SIZE, r.CHUNK_SIZE)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    site, engine = done.stdout.split()
    assert site == engine
