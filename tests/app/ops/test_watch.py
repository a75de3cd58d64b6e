"""Dead workers found by their missing heartbeat, while other workers are alive; slow
workers are left alone; queued jobs Redis lost are re-queued by the frequent pass."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jobs.models import Job
from jobs.ops import heartbeat as watch
from jobs.ops.maintenance import watch_pass

pytestmark = pytest.mark.django_db(transaction=True)
ELSEWHERE = "another-host~4242~abcd1234"  # a worker on another machine: no pid to check


def _running_on(make_job: Any, worker_name: str) -> Job:
    job = make_job()
    assert job.mark_running(worker_name)
    return job


def test_a_slow_worker_with_a_heartbeat_is_not_declared_dead(make_job: Any, redis_db: Any) -> None:
    job = _running_on(make_job, ELSEWHERE)
    long_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)  # no progress for an hour
    watch.beat(ELSEWHERE)

    assert watch_pass() == [] and watch_pass() == []
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_missing_heartbeat_convicts_on_the_second_pass(make_job: Any, redis_db: Any) -> None:
    job = _running_on(make_job, ELSEWHERE)

    assert watch_pass() == []  # once could be a Redis restart: only suspected
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING

    assert [j.pk for j in watch_pass()] == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and "stopped" in job.error


def test_a_heartbeat_after_a_suspicion_clears_it(make_job: Any, redis_db: Any) -> None:
    job = _running_on(make_job, ELSEWHERE)
    watch_pass()
    watch.beat(ELSEWHERE)  # Redis came back and the worker beat again

    assert watch_pass() == []
    watch.forget(ELSEWHERE)
    assert watch_pass() == []  # suspected afresh, not convicted by the old mark
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_the_frequent_pass_requeues_a_job_redis_lost(
    make_job: Any, redis_db: Any, settings: Any
) -> None:
    job = make_job()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    redis_db.flushdb()  # Redis restarted without persistence

    assert [j.pk for j in watch_pass()] == [job.pk]
    assert redis_db.exists(f"rq:job:medgen-{job.id}-1")


def test_a_killed_worker_is_replaced_by_a_live_one_from_its_heartbeat(
    make_job: Any, start_worker: Any, worker_env: dict[str, str], redis_db: Any
) -> None:
    # Two real workers; the victim claims to run on another machine, so only its missing
    # heartbeat can tell it is dead (no process to look up). Short intervals keep the
    # test short; the defaults (40 s at most) are measured by `make bench`.
    worker_env.update(JOB_HEARTBEAT_SECONDS="1", JOB_WORKER_TTL="2", JOB_WATCH_INTERVAL="1")
    worker_env.update(MEDGEN_ENGINE_WORKERS="1")
    job = make_job(total_patients=200_000)
    victim = start_worker(burst=False, name=ELSEWHERE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == Job.Status.RUNNING and job.done > 0:
            break
        time.sleep(0.05)
    assert job.status == Job.Status.RUNNING and job.worker_name == ELSEWHERE
    survivor = start_worker(burst=False)  # idle, alive
    time.sleep(2)  # both beat; nothing is recovered while the victim lives
    job.refresh_from_db()
    assert job.attempt == 1 and job.status == Job.Status.RUNNING

    os.kill(victim.pid, signal.SIGKILL)
    killed = time.monotonic()
    while time.monotonic() < killed + 60:
        job.refresh_from_db()
        if job.attempt == 2 and job.status == Job.Status.RUNNING:
            break
        time.sleep(0.1)
    took = time.monotonic() - killed
    survivor.kill()  # it would finish the 200,000 patients before a warm shutdown
    survivor.wait(10)

    assert job.attempt == 2 and job.status == Job.Status.RUNNING, job.error
    assert job.worker_name != ELSEWHERE
    assert took < 15, took
