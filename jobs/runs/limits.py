"""Per-user limits on submitting jobs, checked by the one submit path (jobs.runs.submit),
so the form and the API obey the same rules. Staff are exempt.

- at most MEDGEN_USER_MAX_ACTIVE_JOBS jobs queued or running at once (0: no cap);
- at most MEDGEN_USER_MAX_PATIENTS_PER_JOB patients in one job;
- at most MEDGEN_USER_MAX_PATIENTS_PER_DAY patients over the last 24 hours (jobs that did
  not fail or get cancelled count).

One user could otherwise queue any number of 2,000,000-patient jobs (about 10 GB of
files each) and fill the disk for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Min, Sum
from django.utils import timezone

from jobs.runs.models import Job

DAY = timedelta(hours=24)
COUNTED = (Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.COMPLETED)


class LimitExceeded(Exception):
    """A submission over a limit: the message for the user, the form field it concerns,
    and when trying again may succeed (seconds; None: not by waiting)."""

    def __init__(self, message: str, field: str, retry_after: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.retry_after = retry_after


@dataclass(frozen=True)
class Usage:
    """What a user has used of the limits, for the job list."""

    active_jobs: int
    max_active_jobs: int
    patients_today: int
    max_patients_per_day: int
    max_patients_per_job: int
    exempt: bool

    def describe(self) -> str:
        if self.exempt:
            return "Staff: no limits on jobs or casualties."
        return (
            f"Your usage: {self.active_jobs} of {self.max_active_jobs} jobs queued or running; "
            f"{self.patients_today:,} of {self.max_patients_per_day:,} casualties in the last "
            f"24 hours; at most {self.max_patients_per_job:,} per job."
        )


def usage(user: Any) -> Usage:
    mine = Job.objects.filter(owner=user)
    since = timezone.now() - DAY
    today = mine.filter(created_at__gte=since, status__in=COUNTED)
    return Usage(
        active_jobs=mine.filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING)).count(),
        max_active_jobs=settings.MEDGEN_USER_MAX_ACTIVE_JOBS,
        patients_today=today.aggregate(total=Sum("total"))["total"] or 0,
        max_patients_per_day=settings.MEDGEN_USER_MAX_PATIENTS_PER_DAY,
        max_patients_per_job=settings.MEDGEN_USER_MAX_PATIENTS_PER_JOB,
        exempt=bool(user.is_staff),
    )


def check_can_submit(user: Any, total_patients: int) -> None:
    """Raise LimitExceeded when `user` may not submit a job of `total_patients` now."""
    if user.is_staff:
        return
    per_job = settings.MEDGEN_USER_MAX_PATIENTS_PER_JOB
    if total_patients > per_job:
        raise LimitExceeded(
            f"A job may have at most {per_job:,} casualties; split it into smaller jobs.",
            "total_patients",
            None,
        )
    now = usage(user)
    if now.max_active_jobs and now.active_jobs >= now.max_active_jobs:
        raise LimitExceeded(
            f"You already have {now.active_jobs} jobs queued or running, the most allowed at "
            "once; start this one when one of them has finished (or cancel one).",
            "__all__",
            60,
        )
    if now.patients_today + total_patients > now.max_patients_per_day:
        left = max(0, now.max_patients_per_day - now.patients_today)
        raise LimitExceeded(
            f"This job would take you over {now.max_patients_per_day:,} casualties in 24 hours "
            f"(used: {now.patients_today:,}; left: {left:,}).",
            "total_patients",
            _seconds_until_oldest_counted_leaves(user),
        )


def _seconds_until_oldest_counted_leaves(user: Any) -> int:
    since = timezone.now() - DAY
    oldest = Job.objects.filter(owner=user, created_at__gte=since, status__in=COUNTED).aggregate(
        first=Min("created_at")
    )["first"]
    if oldest is None:
        return 60
    return max(60, int((oldest + DAY - timezone.now()).total_seconds()))
