"""Receivers that keep a job's files in step with its row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from jobs.infra import storage
from jobs.runs.models import Job


@receiver(post_delete, sender=Job, dispatch_uid="jobs.delete_job_files")
def delete_job_files(sender: type[Job], instance: Job, **kwargs: Any) -> None:
    """A job's files go with its row, however it is deleted (admin, command, cascade)."""
    prefix = instance.storage_prefix
    transaction.on_commit(lambda: storage.delete_prefix(prefix))
