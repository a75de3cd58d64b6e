"""Jobs and their output files. The database row is the truth about every job."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

import generation


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


class ScenarioConfigQuerySet(models.QuerySet["ScenarioConfig"]):
    def for_user(self, user: Any) -> ScenarioConfigQuerySet:
        """The saved scenarios `user` owns (staff edit others' in the admin)."""
        return self.filter(owner=user)


class ScenarioConfig(models.Model):
    """A named scenario a user keeps and refines; every change is kept as a version.

    `save()` records a `ScenarioVersion` whenever the name, description or document
    differs from the latest version, so the history is complete whoever saves (pages,
    admin, "Save scenario" on a job). The document is validated and stored normalised
    (`generation.Scenario.to_dict()`), so equal scenarios compare equal.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    document = models.JSONField(help_text="The current version's scenario document.")
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScenarioConfigQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_scenario_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, adding a version if anything changed; raises generation.ScenarioError."""
        self.document = generation.parse_scenario(self.document).to_dict()
        with transaction.atomic():
            latest = self._latest_version_locked()
            if latest is not None and latest.same_content(self):
                super().save(*args, **kwargs)
                return
            self.version = latest.version + 1 if latest else 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
            super().save(*args, **kwargs)
            ScenarioVersion.objects.create(
                config=self,
                version=self.version,
                name=self.name,
                description=self.description,
                document=self.document,
            )

    def revise(self, name: str, description: str, document: dict[str, Any]) -> bool:
        """Change the scenario; True when that made a new version (False: nothing changed)."""
        before = self.version
        self.name, self.description, self.document = name, description, document
        self.save()
        return self.version != before

    def current_version(self) -> ScenarioVersion:
        return self.versions.get(version=self.version)

    def _latest_version_locked(self) -> ScenarioVersion | None:
        """The latest version, with this row locked so concurrent edits number in turn."""
        if self.pk is None:
            return None
        locked = ScenarioConfig.objects.select_for_update().filter(pk=self.pk)
        version = locked.values_list("version", flat=True).first()
        return self.versions.filter(version=version).first() if version else None


class ScenarioVersion(models.Model):
    """One saved state of a ScenarioConfig; never changed once written."""

    config = models.ForeignKey(ScenarioConfig, models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    document = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["config", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["config", "version"], name="unique_scenario_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def same_content(self, config: ScenarioConfig) -> bool:
        return (self.name, self.description, self.document) == (
            config.name,
            config.description,
            config.document,
        )


# Django finds an app's models in its `models` module; the exercise models live with
# their feature and are re-exported here.
from jobs.exercises.models import ClockChange, ExerciseRun, Mark, ShareLink  # noqa: E402

__all__ = [
    "ClockChange",
    "ExerciseRun",
    "Job",
    "JobOutput",
    "Mark",
    "ScenarioConfig",
    "ScenarioVersion",
    "ShareLink",
]
