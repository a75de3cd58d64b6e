"""The one place that records a job's progress and tells the browsers watching it.

`record` writes the row (at most every MEDGEN_PROGRESS_INTERVAL seconds, always on a
phase change) and publishes; `publish` sends `payload(job)` to the job's channel group.
The websocket consumer, the JSON status view and the page's first render all show
`payload(job)`, so the three can never disagree.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from jobs.runs.models import Job

log = logging.getLogger(__name__)


def group_name(job_id: Any) -> str:
    return f"job.{job_id}"


# The Job fields `payload` reads: the status view loads only these (not the scenario or
# summary documents). A field used but missing here costs a query per request, which
# tests/app/test_status.py would catch.
PAYLOAD_FIELDS = ("id", "status", "phase", "done", "total", "rate", "error", "created_at")


def payload(job: Job) -> dict[str, Any]:
    """Everything a page needs to draw the job's state, JSON-ready."""
    position = job.queue_position()
    percent = 100.0 if job.status == Job.Status.COMPLETED else _percent(job.done, job.total)
    eta = None
    if job.status == Job.Status.RUNNING and job.rate > 0:
        eta = round((job.total - job.done) / job.rate, 1)
    return {
        "id": str(job.id),
        "status": job.status,
        "status_label": Job.Status(job.status).label,
        "phase": job.phase,
        "phase_label": Job.Phase(job.phase).label,
        "message": _message(job, position),
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "rate": round(job.rate, 1),
        "eta_seconds": eta,
        "queue_position": position,
        "error": job.error,
        "finished": not job.is_active,
    }


class Recorder:
    """Records one job's progress at most every MEDGEN_PROGRESS_INTERVAL s, and always
    on a phase change; the engine calls it after every chunk."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.recorded_at: float | None = None  # time.monotonic() of the last write

    def __call__(self, phase: str, done: int, total: int) -> bool:
        """False once this attempt no longer owns the job."""
        now = time.monotonic()
        last, interval = self.recorded_at, settings.MEDGEN_PROGRESS_INTERVAL
        if phase == self.job.phase and last is not None and now - last < interval:
            return True
        self.recorded_at = now
        return record(self.job, phase, done, total)


def record(job: Job, phase: str, done: int, total: int) -> bool:
    """Store and publish progress now; False once this attempt no longer owns the job."""
    wall = timezone.now()
    elapsed = (wall - job.started_at).total_seconds() if job.started_at else 0.0
    rate = done / elapsed if phase == Job.Phase.GENERATING and elapsed > 0 else job.rate
    fields = {"phase": phase, "done": done, "total": total, "rate": rate, "heartbeat_at": wall}
    mine = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempt=job.attempt)
    if not mine.update(**fields):
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    publish(job)
    return True


def publish(job: Job) -> None:
    """Send the job's current state to every websocket watching it; never fails the caller."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "job.progress", "payload": payload(job)}
    try:
        async_to_sync(layer.group_send)(group_name(job.id), message)
    except Exception:  # a Redis hiccup must not fail a job; pages poll meanwhile
        log.warning("could not publish progress of job %s", job.id, exc_info=True)


def publish_queue_positions(limit: int = 50) -> None:
    """Queued jobs moved up a place: tell their pages (the first `limit` of them)."""
    for job in Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at")[:limit]:
        publish(job)


def _percent(done: int, total: int) -> float:
    return round(100.0 * done / total, 1) if total else 0.0


def _message(job: Job, position: int | None) -> str:
    if job.status == Job.Status.QUEUED:
        return f"Queued, position {position} in the queue" if position else "Queued"
    if job.status == Job.Status.RUNNING:
        if job.phase == Job.Phase.GENERATING:
            return f"Generating {job.done:,} of {job.total:,} patients"
        return f"{Job.Phase(job.phase).label}…"
    if job.status == Job.Status.COMPLETED:
        return f"Done: {job.total:,} patients"
    return job.error or Job.Status(job.status).label
