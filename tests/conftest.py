"""Shared fixtures for the app and browser tests (engine tests use none of them).

The cast: `alice` owns jobs, `bob` must never see them, `staff` sees everything. Tests
run against the real PostgreSQL (pytest-django's test database) and the real Redis,
database 15 (medgen_site/test_settings.py; TEST_REDIS_URL picks another), which `redis_db` flushes
around every test using it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import documents

ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header() -> str:
    """Which engine the tests exercise, at the top of every run (`make test` too)."""
    from generation import native

    return f"engine: {native.describe()}"


def scenario_doc(**overrides: Any) -> dict[str, Any]:
    """The shared test document, titled and smaller, for jobs."""
    defaults: dict[str, Any] = {
        "title": "Test exercise",
        "total_patients": 300,
        "days": 3,
        "warfare": {"conventional": 0.7, "artillery": 0.3},
    }
    return documents.scenario_doc(**{**defaults, **overrides})


@pytest.fixture
def redis_db(settings: Any) -> Iterator[Any]:
    """The tests' own Redis database, empty before and after the test."""
    import django_rq

    assert settings.TESTING and os.environ.get("REDIS_URL") != settings.REDIS_URL, (
        "tests must not touch the development Redis database"
    )
    from jobs.scenarios import cached

    connection = django_rq.get_connection("default")
    connection.flushdb()
    cached.clear_process_tables()  # the in-memory layer in front of Redis goes too
    yield connection
    connection.flushdb()
    cached.clear_process_tables()


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("alice", "alice@example.org", "alice-password")


@pytest.fixture
def bob(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("bob", "bob@example.org", "bob-password")


@pytest.fixture
def staff(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("root", "root@example.org", "root-password")


@pytest.fixture
def alice_client(client: Any, alice: Any) -> Any:
    client.force_login(alice)
    return client


@pytest.fixture
def make_job(alice: Any) -> Any:
    """make_job(owner=alice, formats=("json", "csv"), **document overrides) -> queued Job."""
    from jobs.runs.submit import submit_job

    def make(
        owner: Any = None, formats: tuple[str, ...] = ("json", "csv"), **overrides: Any
    ) -> Any:
        return submit_job(owner or alice, scenario_doc(**overrides), formats)

    return make


@pytest.fixture
def completed_job(make_job: Any, burst_worker: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """completed_job(formats, **overrides) -> a job of alice's run to completion by a worker."""

    def complete(formats: tuple[str, ...] = ("json", "csv", "ndjson"), **overrides: Any) -> Any:
        from jobs.models import Job

        with django_capture_on_commit_callbacks(execute=True):
            job = make_job(
                total_patients=overrides.pop("total_patients", 300), formats=formats, **overrides
            )
        burst_worker()
        job.refresh_from_db()
        assert job.status == Job.Status.COMPLETED, job.error
        return job

    return complete


@pytest.fixture
def burst_worker(redis_db: Any) -> Any:
    """Run an RQ worker (MedGen's worker class) in this process until the queue is empty."""
    import django_rq

    def work() -> bool:
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            return bool(django_rq.get_worker("default").work(burst=True))
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    return work


@pytest.fixture
def worker_env(settings: Any, media_root: Path) -> dict[str, str]:
    """Environment for `manage.py rqworker` subprocesses sharing this test's database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("worker processes need PostgreSQL (set DATABASE_URL, as `make test` does)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(media_root),
        "MEDGEN_CHUNK_SIZE": str(settings.MEDGEN_CHUNK_SIZE),
        "DB_POOL_MAX_SIZE": "4",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "medgen_site.settings",  # the site's own, not the tests'
    }


@pytest.fixture
def start_worker(worker_env: dict[str, str]) -> Iterator[Any]:
    """start_worker(burst=True) -> Popen of a real `manage.py rqworker`, stopped at teardown."""
    started: list[subprocess.Popen[bytes]] = []

    def start(burst: bool = True, name: str | None = None) -> subprocess.Popen[bytes]:
        command = [sys.executable, str(ROOT / "manage.py"), "rqworker", "default", "-v", "0"]
        command += ["--burst"] if burst else []
        command += ["--name", name] if name else []
        process = subprocess.Popen(command, env=worker_env, cwd=ROOT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


@pytest.fixture
def document() -> Any:
    """document(**overrides) -> a small valid scenario document."""
    return scenario_doc
