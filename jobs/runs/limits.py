"""Per-user limits on submitting jobs, the same for the form and the API.

`check_can_submit` raises `LimitExceeded` with a message for people, the form field it
belongs to (`__all__` when none does) and, where waiting helps, seconds to wait. The
caller holds a lock on the user's row (jobs.submit), so two submissions at once are
counted in turn.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS

from jobs.runs.models import Job

RETRY_AFTER_MIN, RETRY_AFTER_MAX = 5, 600  # seconds; bounds on the wait we suggest


class LimitExceeded(Exception):
    """A submission over a limit; `retry_after` seconds, or None if waiting won't help."""

    def __init__(self, message: str, field: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message, self.field, self.retry_after = message, field, retry_after


def check_can_submit(user: Any, total_patients: int) -> None:
    """Raise LimitExceeded if `user` may not queue another job now (staff: no limit)."""
    cap = settings.MEDGEN_MAX_ACTIVE_JOBS_PER_USER
    if user.is_staff or cap <= 0:
        return
    active = Job.objects.filter(owner=user).active()
    count = active.count()
    if count >= cap:
        raise LimitExceeded(
            f"You already have {count} jobs queued or running, the most allowed at once "
            f"({cap}). Wait for one to finish, or cancel one, then submit again.",
            NON_FIELD_ERRORS,
            _suggested_wait(active),
        )


def _suggested_wait(active: Any) -> int:
    """Seconds until the user's soonest running job should finish, within bounds."""
    running = active.filter(status=Job.Status.RUNNING, rate__gt=0)
    etas = [(job.total - job.done) / job.rate for job in running.only("total", "done", "rate")]
    wait = min(etas, default=60)
    return int(min(max(wait, RETRY_AFTER_MIN), RETRY_AFTER_MAX))
