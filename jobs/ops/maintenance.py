"""Housekeeping that runs without a human: dead-worker recovery and retention.

Workers call `run_maintenance()` when they start and every JOB_MAINTENANCE_INTERVAL
seconds (jobs.ops.worker.JobWorker); `manage.py recover_jobs` and `manage.py cleanup_jobs`
run the same functions by hand.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

import django_rq
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from rq.job import Job as RQJob
from rq.worker import Worker

from jobs.infra import stats, storage
from jobs.runs import progress, tasks, worker_names
from jobs.runs.models import Job
from jobs.runs.submit import delete_job

log = logging.getLogger(__name__)
LOCK_KEY = "jobs:maintenance-lock"


def run_maintenance(*, force: bool = False) -> None:
    """Recover jobs of dead workers and apply retention, once per interval across workers.

    A starting worker forces it: it may be replacing one that just died.
    """
    lock_ttl = max(1, settings.JOB_MAINTENANCE_INTERVAL // 2)
    if not cache.add(LOCK_KEY, timezone.now().isoformat(), lock_ttl) and not force:
        return
    recover_jobs()
    apply_retention()


def apply_retention() -> int:
    """Delete jobs older than JOB_RETENTION_DAYS (0 keeps everything); the number deleted."""
    days = settings.JOB_RETENTION_DAYS
    if days <= 0:
        return 0
    removed = delete_jobs(Job.objects.older_than(timedelta(days=days)))
    if removed:
        log.info("retention: deleted %d jobs older than %d days", removed, days)
    return removed


def recover_jobs() -> list[Job]:
    """Re-run or fail running jobs whose worker is gone; re-queue jobs Redis lost."""
    connection = django_rq.get_connection(tasks.QUEUE)
    registered = {worker.name for worker in Worker.all(connection=connection)}
    cutoff = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
    recovered = []
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        if _worker_is_dead(job, registered, cutoff) and recover_job(job):
            recovered.append(job)
    # A job just submitted is in the database a moment before its RQ entry (it is queued
    # when the transaction commits): only older ones can have been lost by Redis.
    settled = timezone.now() - timedelta(seconds=settings.JOB_REQUEUE_GRACE_SECONDS)
    for job in Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=settled):
        if not RQJob.exists(tasks.rq_job_id(job), connection=connection):
            log.warning("job %s was queued in the database but not in Redis: re-queued", job.id)
            tasks.enqueue(job)
            recovered.append(job)
    return recovered


def recover_job(job: Job) -> bool:
    """Re-queue a job whose worker died (a fresh attempt), or fail it after the last one."""
    seen = _seen(job)
    mine = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempt=job.attempt)
    if job.attempt < settings.JOB_MAX_ATTEMPTS:
        reason = f"The worker running this job ({job.worker_name}) stopped {seen}; started again."
        with transaction.atomic():
            changed = mine.update(
                status=Job.Status.QUEUED, phase=Job.Phase.QUEUED, done=0, rate=0, error=reason
            )
            if changed:
                tasks.enqueue(job)
    else:
        reason = (
            f"The worker running this job ({job.worker_name}) stopped {seen}, "
            f"after {job.attempt} attempts. Partial files were removed; run the job again."
        )
        changed = mine.update(status=Job.Status.FAILED, error=reason, finished_at=timezone.now())
        if changed:
            stats.count_failed_job()
    if not changed:
        return False
    log.warning("job %s recovered: %s", job.id, reason)
    storage.delete_prefix(job.attempt_prefix(job.attempt))
    job.refresh_from_db()
    progress.publish(job)
    return True


def delete_jobs(jobs: QuerySet[Job]) -> int:
    """Delete jobs with their files, each as `jobs.runs.submit.delete_job` does."""
    count = 0
    for job in jobs.iterator():
        delete_job(job)
        count += 1
    return count


def _worker_is_dead(job: Job, registered: set[str], cutoff: datetime) -> bool:
    # Three signs, any one enough: RQ forgot the worker; no progress for JOB_STALE_SECONDS;
    # or it ran on this machine and its process is gone (JobWorker names carry host + pid).
    if job.worker_name not in registered or (job.heartbeat_at or job.created_at) < cutoff:
        return True
    host, pid = worker_names.parse(job.worker_name)
    return host == socket.gethostname() and pid is not None and not _process_exists(pid)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _seen(job: Job) -> str:
    last = job.heartbeat_at or job.started_at
    when = (
        f"after its last sign of life at {last:%Y-%m-%d %H:%M:%S %Z}" if last else "before starting"
    )
    return f"{when}, at {job.done:,} of {job.total:,} patients"
