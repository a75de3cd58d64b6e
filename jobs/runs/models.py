"""Jobs and their output files. The database row is the truth about every job.

The foreign key to `ScenarioVersion` is by name, so this module imports nothing from
`jobs.scenarios` (Django resolves it when the app loads; `jobs.models` re-exports both).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobQuerySet(models.QuerySet["Job"]):
    def for_user(self, user: Any) -> JobQuerySet:
        """The jobs `user` may see: their own, or every job for staff."""
        if user.is_staff:
            return self.all()
        return self.filter(owner=user)

    def older_than(self, age: timedelta) -> JobQuerySet:
        return self.filter(created_at__lt=timezone.now() - age)

    def active(self) -> JobQuerySet:
        return self.filter(status__in=Job.ACTIVE)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Phase(models.TextChoices):
        QUEUED = "queued", "Queued"
        PLANNING = "planning", "Planning"
        GENERATING = "generating", "Generating"
        WRITING = "writing", "Writing files"
        DONE = "done", "Done"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs")
    title = models.CharField(max_length=200, blank=True)
    scenario = models.JSONField(help_text="The validated scenario document, as submitted.")
    scenario_version = models.ForeignKey(
        "ScenarioVersion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="Saved scenario version it came from; `scenario` is the job's own copy.",
    )
    formats = models.JSONField(default=list)
    seed = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    rate = models.FloatField(default=0, help_text="Patients per second while generating.")
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    worker_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.title or 'Job'} ({self.total:,} patients, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def duration(self) -> timedelta | None:
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def storage_prefix(self) -> str:
        return f"jobs/{self.id}/"

    def attempt_prefix(self, attempt: int) -> str:
        # Each attempt writes its own folder, so a worker presumed dead that wakes up
        # can never overwrite the files of the attempt that replaced it.
        return f"{self.storage_prefix}{attempt}/"

    def queue_position(self) -> int | None:
        """1 for the next job a worker will take, None once the job left the queue."""
        if self.status != self.Status.QUEUED:
            return None
        ahead = Job.objects.filter(status=self.Status.QUEUED, created_at__lt=self.created_at)
        return ahead.count() + 1

    def total_size(self) -> int:
        return sum(output.size for output in self.outputs.all())

    # State changes are conditional updates: zero rows means someone else (a cancel,
    # the recovery of a dead worker) changed the job first, and this caller backs off.

    def mark_running(self, worker_name: str) -> bool:
        now = timezone.now()
        attempt = self.attempt + 1
        changed = Job.objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
            status=self.Status.RUNNING,
            phase=self.Phase.PLANNING,
            attempt=attempt,
            worker_name=worker_name,
            started_at=now,
            heartbeat_at=now,
            done=0,
            rate=0,
        )
        if changed:
            self.status, self.phase, self.attempt = (
                self.Status.RUNNING,
                self.Phase.PLANNING,
                attempt,
            )
            self.worker_name, self.started_at, self.heartbeat_at = worker_name, now, now
        return bool(changed)

    def mark_completed(self, summary: dict[str, Any]) -> bool:
        return self._finish(
            self.Status.COMPLETED, summary=summary, phase=self.Phase.DONE, done=self.total
        )

    def mark_failed(self, error: str) -> bool:
        return self._finish(self.Status.FAILED, error=error)

    def _finish(self, status: str, **fields: Any) -> bool:
        fields["finished_at"] = timezone.now()
        current = Job.objects.filter(pk=self.pk, status=self.Status.RUNNING, attempt=self.attempt)
        changed = current.update(status=status, **fields)
        if changed:
            self.status = status
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(changed)

    def cancel(self) -> bool:
        """Ask the job to stop; a running worker notices at its next chunk."""
        active = Job.objects.filter(pk=self.pk, status__in=self.ACTIVE)
        changed = active.update(
            status=self.Status.CANCELLED,
            error="Cancelled by the user.",
            finished_at=timezone.now(),
        )
        if changed:
            self.refresh_from_db()
        return bool(changed)

    def is_current(self) -> bool:
        """Whether this attempt still owns the job: cheap, checked after every chunk."""
        return Job.objects.filter(
            pk=self.pk, status=self.Status.RUNNING, attempt=self.attempt
        ).exists()


class JobOutput(models.Model):
    job = models.ForeignKey(Job, models.CASCADE, related_name="outputs")
    file = models.FileField(max_length=300)
    name = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["job", "name"], name="unique_output_name")]

    def __str__(self) -> str:
        return self.name
