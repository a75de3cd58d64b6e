"""Exercise runs of a completed job: the clock, share links to boards, participants' marks.

Nothing here changes the job or its files: a run only stores how its clock moved and
what participants marked.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from jobs.exercises.clock import Clock

EVAC_BOARD = "evac"
FACILITY_BOARDS = ("R1", "R2", "R3", "R4")
BOARD_LABELS = {
    "R1": "Role 1",
    "R2": "Role 2",
    "R3": "Role 3",
    "R4": "Role 4",
    EVAC_BOARD: "Evacuation cell",
}


def hash_token(token: str) -> str:
    """The stored form of a share token: a link is found by its hash, never kept in clear."""
    return hashlib.sha256(token.encode()).hexdigest()


class ExerciseRunQuerySet(models.QuerySet["ExerciseRun"]):
    def for_user(self, user: Any) -> ExerciseRunQuerySet:
        """Runs of the jobs `user` may see (own jobs; staff: all)."""
        if user.is_staff:
            return self.all()
        return self.filter(job__owner=user)


class ExerciseRun(models.Model):
    """One playing of a job's casualties against a live clock; several per job may exist."""

    job = models.ForeignKey("jobs.Job", models.CASCADE, related_name="exercise_runs")
    name = models.CharField(max_length=200)
    fronts = models.JSONField(default=list, blank=True, help_text="Fronts played; empty: all.")
    window_start = models.FloatField(help_text="Seconds after the scenario's start.")
    window_end = models.FloatField(help_text="Seconds after the scenario's start.")
    speed = models.PositiveSmallIntegerField(default=1)
    # The clock (jobs.exercises.clock.Clock): position held at `anchor`, running while
    # `anchor` is set.
    position = models.FloatField(default=0)
    anchor = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ExerciseRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def clock(self) -> Clock:
        return Clock(
            position=self.position,
            speed=self.speed,
            anchor=self.anchor,
            start=self.window_start,
            end=self.window_end,
            started=self.started_at is not None,
        )

    def boards(self) -> list[str]:
        """The boards of this run: a facility board per role of care, then the evacuation cell."""
        care = self.job.scenario.get("care") or {}
        roles = care.get("roles") or list(FACILITY_BOARDS)
        return [role for role in FACILITY_BOARDS if role in roles] + [EVAC_BOARD]

    def change_clock(self, action: str, change: Callable[[Clock, datetime], Clock]) -> Clock:
        """Apply `change` to the clock under a row lock and log it; raises ClockError."""
        with transaction.atomic():
            locked = ExerciseRun.objects.select_for_update().get(pk=self.pk)
            now = timezone.now()
            clock = change(locked.clock, now)
            self.position, self.anchor, self.speed = clock.position, clock.anchor, clock.speed
            if self.started_at is None and clock.started:
                self.started_at = now
            self.save(update_fields=["position", "anchor", "speed", "started_at"])
            self.clock_changes.create(
                action=action, at=now, position=clock.position, speed=clock.speed
            )
        return clock


class ClockChange(models.Model):
    """Each start, pause, resume, speed change and jump: when events fell due is derived from it."""

    run = models.ForeignKey(ExerciseRun, models.CASCADE, related_name="clock_changes")
    action = models.CharField(max_length=16)
    at = models.DateTimeField()
    position = models.FloatField(help_text="Exercise time right after the change.")
    speed = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M:%S}"


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def usable(self) -> ShareLinkQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)


class ShareLink(models.Model):
    """Read-only access to one board of one run for whoever holds the token."""

    run = models.ForeignKey(ExerciseRun, models.CASCADE, related_name="share_links")
    board = models.CharField(max_length=8)
    label = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["board", "created_at"]

    def __str__(self) -> str:
        return f"{self.run} · {self.board_label}"

    @classmethod
    def issue(
        cls, run: ExerciseRun, board: str, label: str = "", expires_at: datetime | None = None
    ) -> tuple[ShareLink, str]:
        """A new link and its token; the token is shown once and only its hash is kept."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            run=run, board=board, label=label, token_hash=hash_token(token), expires_at=expires_at
        )
        return link, token

    @classmethod
    def find(cls, token: str) -> ShareLink | None:
        """The usable link for `token` (not revoked, not expired), else None."""
        if not token or len(token) > 100:
            return None
        found = cls.objects.usable().select_related("run__job").filter(token_hash=hash_token(token))
        return found.first()

    @property
    def board_label(self) -> str:
        return BOARD_LABELS.get(self.board, self.board)

    @property
    def group(self) -> str:
        return f"exercise-link.{self.pk}"

    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class Mark(models.Model):
    """A participant's note that a casualty was received or handed over; data stays as generated."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Received"
        HANDED_OVER = "handed_over", "Handed over"

    run = models.ForeignKey(ExerciseRun, models.CASCADE, related_name="marks")
    link = models.ForeignKey(
        ShareLink, models.SET_NULL, null=True, blank=True, related_name="marks"
    )
    board = models.CharField(max_length=8)
    patient_id = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    position = models.FloatField(help_text="Exercise time when it was marked.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "board", "patient_id", "kind"], name="unique_exercise_mark"
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.get_kind_display().lower()} ({self.board})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "patient_id": self.patient_id,
            "kind": self.kind,
            "kind_label": self.get_kind_display(),
            "position": self.position,
            "at": self.created_at.isoformat(),
        }
