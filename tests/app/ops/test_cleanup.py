"""cleanup_jobs and retention: old jobs go, with their files."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from jobs.models import Job, JobOutput
from jobs.ops.maintenance import apply_retention

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_jobs(make_job: Any, burst_worker: Any) -> tuple[Job, Job]:
    old, new = make_job(title="old"), make_job(title="new")
    burst_worker()
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    return Job.objects.get(pk=old.pk), Job.objects.get(pk=new.pk)


def _folder(media_root: Path, job: Job) -> Path:
    return media_root / "jobs" / str(job.id)


def test_it_deletes_old_jobs_and_their_files(two_jobs: tuple[Job, Job], media_root: Path) -> None:
    old, new = two_jobs
    assert _folder(media_root, old).is_dir()
    out = StringIO()

    call_command("cleanup_jobs", "--older-than", "30d", stdout=out)

    assert "Deleted 1 job(s)" in out.getvalue()
    assert list(Job.objects.all()) == [new]
    assert not JobOutput.objects.filter(job_id=old.pk).exists()
    assert not _folder(media_root, old).exists()
    assert (_folder(media_root, new) / "1" / "patients.json").is_file()


def test_it_counts_without_deleting_on_a_dry_run(two_jobs: tuple[Job, Job]) -> None:
    out = StringIO()

    call_command("cleanup_jobs", "--older-than", "2w", "--dry-run", stdout=out)

    assert "Would delete 1 job(s)" in out.getvalue()
    assert Job.objects.count() == 2


def test_it_rejects_a_malformed_age() -> None:
    with pytest.raises(CommandError, match="not an age"):
        call_command("cleanup_jobs", "--older-than", "a month")


def test_it_applies_retention_without_a_human(
    two_jobs: tuple[Job, Job], settings: Any, media_root: Path
) -> None:
    settings.JOB_RETENTION_DAYS = 30
    old, new = two_jobs

    assert apply_retention() == 1

    assert list(Job.objects.all()) == [new]
    assert not _folder(media_root, old).exists()


def test_it_runs_maintenance_when_a_worker_starts(
    two_jobs: tuple[Job, Job], settings: Any, burst_worker: Any, redis_db: Any
) -> None:
    settings.JOB_RETENTION_DAYS = 30
    redis_db.flushdb()  # forget the lock taken by the worker that ran the jobs

    burst_worker()

    assert Job.objects.count() == 1


def test_it_keeps_everything_when_retention_is_off(
    two_jobs: tuple[Job, Job], settings: Any
) -> None:
    settings.JOB_RETENTION_DAYS = 0

    assert apply_retention() == 0

    assert Job.objects.count() == 2
