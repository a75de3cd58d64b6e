"""Jobs left running by a dead worker are re-run or failed, never left running."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from rq.worker import Worker

from jobs.infra import storage
from jobs.models import Job
from jobs.ops.maintenance import recover_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def _running(make_job: Any, worker_name: str, **overrides: Any) -> Job:
    job = make_job(**overrides)
    assert job.mark_running(worker_name)
    Job.objects.filter(pk=job.pk).update(phase="generating", done=100)
    with storage.open_for_write(job.attempt_prefix(1) + "patients.json") as partial:
        partial.write(b'{"patients": [')
    return job


def test_it_reruns_a_job_whose_worker_vanished(
    make_job: Any, burst_worker: Any, media_root: Path
) -> None:
    job = _running(make_job, "gone-worker")

    assert recover_jobs() == [job]

    job.refresh_from_db()
    assert (job.status, job.done) == (Job.Status.QUEUED, 0)
    assert "(gone-worker) stopped after its last sign of life" in job.error
    assert not (media_root / "jobs" / str(job.id) / "1").exists()
    burst_worker()
    job.refresh_from_db()
    assert (job.status, job.attempt) == (Job.Status.COMPLETED, 2)
    assert all("/2/" in o.file.name for o in job.outputs.all())


def test_it_fails_the_job_after_the_last_attempt(make_job: Any, settings: Any) -> None:
    settings.JOB_MAX_ATTEMPTS = 1
    job = _running(make_job, "gone-worker")

    recover_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.finished_at is not None
    assert "stopped after its last sign of life" in job.error
    assert "at 100 of 300 patients" in job.error
    assert "Partial files were removed; run the job again." in job.error
    assert not default_storage.exists(job.attempt_prefix(1) + "patients.json")


def test_it_leaves_jobs_of_live_workers_alone(make_job: Any, redis_db: Any) -> None:
    worker = Worker(["default"], name="alive-worker", connection=redis_db)
    worker.register_birth()
    job = _running(make_job, "alive-worker")

    assert recover_jobs() == []

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_it_recovers_a_registered_worker_that_went_silent(
    make_job: Any, redis_db: Any, settings: Any
) -> None:
    Worker(["default"], name="hung-worker", connection=redis_db).register_birth()
    job = _running(make_job, "hung-worker")
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)

    assert recover_jobs() == [job]


def test_it_requeues_jobs_that_redis_lost(make_job: Any, redis_db: Any, burst_worker: Any) -> None:
    job = make_job()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    redis_db.flushdb()

    assert recover_jobs() == [job]
    assert redis_db.exists(f"rq:job:medgen-{job.id}-1")


def test_a_job_submitted_a_moment_ago_is_not_requeued_before_its_commit_queues_it(
    make_job: Any, redis_db: Any
) -> None:
    job = make_job()  # in tests, on-commit callbacks (the enqueue) have not run
    redis_db.flushdb()

    assert recover_jobs() == []
    assert not redis_db.exists(f"rq:job:medgen-{job.id}-1")


def test_it_does_not_recover_a_job_twice(make_job: Any) -> None:
    job = _running(make_job, "gone-worker")
    stale_copy = Job.objects.get(pk=job.pk)
    recover_jobs()

    from jobs.ops.maintenance import recover_job

    assert recover_job(stale_copy) is False


def test_it_recovers_a_killed_worker_process_when_the_next_worker_starts(
    make_job: Any, start_worker: Any, media_root: Path
) -> None:
    job = make_job(total_patients=60_000)
    victim = start_worker(burst=False)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == Job.Status.RUNNING and job.done > 0:
            break
        time.sleep(0.05)
    assert job.status == Job.Status.RUNNING and 0 < job.done < job.total

    os.kill(victim.pid, signal.SIGKILL)  # no goodbye: the row still says "running"
    victim.wait(10)
    successor = start_worker(burst=True)
    assert successor.wait(120) == 0

    job.refresh_from_db()
    assert (job.status, job.attempt) == (Job.Status.COMPLETED, 2), job.error
    assert job.outputs.get(name="patients.json").size > 0
    assert not (media_root / "jobs" / str(job.id) / "1").exists()


def test_it_recovers_from_the_command_line(make_job: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    job = _running(make_job, "gone-worker")
    out = StringIO()

    call_command("recover_jobs", stdout=out)

    assert f"{job.id}: queued" in out.getvalue()
    assert "Recovered 1 job(s)." in out.getvalue()
