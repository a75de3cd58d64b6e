"""RQ tasks: thin, take ids, load a fresh row, call the engine, persist."""

from __future__ import annotations

import logging
from typing import IO, Any

import django_rq
import rq
from django.conf import settings
from django.db import close_old_connections, connection, transaction

import generation
from jobs.infra import stats, storage
from jobs.runs import progress, worker_names
from jobs.runs.models import Job, JobOutput
from jobs.scenarios import cached

log = logging.getLogger(__name__)
QUEUE = "default"


def enqueue(job: Job) -> None:
    """Queue `job` once the surrounding transaction commits (at once outside one)."""
    job_id, rq_id = str(job.id), rq_job_id(job)
    transaction.on_commit(lambda: _enqueue_now(job_id, rq_id))


def rq_job_id(job: Job) -> str:
    """The RQ job of the job's next attempt: a re-run never reuses a dead attempt's entry."""
    return f"medgen-{job.id}-{job.attempt + 1}"


def _enqueue_now(job_id: str, rq_id: str) -> None:
    queue = django_rq.get_queue(QUEUE, commit_mode="auto")
    queue.enqueue(run_job, job_id, job_id=rq_id, result_ttl=3600, failure_ttl=86400)


def run_job(job_id: str) -> None:
    """Run one job start to finish; any state change by others wins (cancel, recovery)."""
    try:
        job = Job.objects.filter(pk=job_id).first()
        if job is None or not job.mark_running(_worker_name()):
            return  # deleted, cancelled while queued, or taken by another worker
        progress.publish(job)
        progress.publish_queue_positions()
        _generate(job)
    finally:
        release_connections()


def release_connections() -> None:
    """Hand the worker's database connection back to the pool between jobs.

    Skipped inside an atomic block: tests run tasks within their own transaction.
    """
    if not connection.in_atomic_block:
        close_old_connections()


def _generate(job: Job) -> None:
    prefix = job.attempt_prefix(job.attempt)

    def sink(name: str) -> IO[bytes]:
        return storage.open_for_write(prefix + name)

    timer = stats.ChunkTimer()
    recorder = progress.Recorder(job)

    def on_progress(step: generation.Progress) -> None:
        timer.step(step.phase, step.done)
        stats.report_process("worker")
        recorder(step.phase, step.done, step.total)

    try:
        scenario = generation.parse_scenario(job.scenario)
        result = generation.generate(
            scenario,
            tables=cached.tables_for(scenario),
            seed=job.seed,
            sink=sink,
            formats=job.formats,
            chunk_size=settings.MEDGEN_CHUNK_SIZE,
            workers=settings.MEDGEN_ENGINE_WORKERS,
            on_progress=on_progress,
            should_stop=lambda: not job.is_current(),
            cards=True,  # jobs.results.cards reads it, whatever the formats
        )
    except generation.Cancelled:
        storage.delete_prefix(prefix)
        log.info("job %s stopped at %s of %s: cancelled or superseded", job.id, job.done, job.total)
        return
    except Exception as error:
        storage.delete_prefix(prefix)
        log.exception("job %s failed", job.id)
        _fail(job, f"Generation failed: {error}")
        return
    _complete(job, result, prefix)


def _complete(job: Job, result: generation.Result, prefix: str) -> None:
    with transaction.atomic():
        JobOutput.objects.bulk_create(
            JobOutput(
                job=job,
                file=prefix + f.name,
                name=f.name,
                size=f.size,
                sha256=f.sha256,
                content_type=f.content_type,
            )
            for f in result.files
        )
        completed = job.mark_completed(result.summary)
        if not completed:
            transaction.set_rollback(True)
    if not completed:  # cancelled between the last chunk and now
        storage.delete_prefix(prefix)
    job.refresh_from_db()
    if completed:
        stats.add_patients(job.total)
        if job.duration is not None:
            stats.observe(stats.JOB_SECONDS, job.duration.total_seconds())
    progress.publish(job)


def _fail(job: Job, error: str) -> None:
    if job.mark_failed(error):
        stats.count_failed_job()
        progress.publish(job)


def _worker_name() -> str:
    current: Any = rq.get_current_job()
    name = getattr(current, "worker_name", None) if current else None
    # Outside RQ (tests, scripts) the name is built as a worker would build its own.
    return name or worker_names.build()
