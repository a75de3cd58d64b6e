"""Receivers that keep files and caches in step with rows."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jobs import scenarios, storage
from jobs.models import Job, SavedScenario


@receiver(post_delete, sender=Job, dispatch_uid="jobs.delete_job_files")
def delete_job_files(sender: type[Job], instance: Job, **kwargs: Any) -> None:
    """A job's files go with its row, however it is deleted (admin, command, cascade)."""
    prefix = instance.storage_prefix
    transaction.on_commit(lambda: storage.delete_prefix(prefix))


@receiver(post_save, sender=SavedScenario, dispatch_uid="jobs.scenario_saved")
@receiver(post_delete, sender=SavedScenario, dispatch_uid="jobs.scenario_deleted")
def forget_scenarios(sender: type[SavedScenario], instance: SavedScenario, **kwargs: Any) -> None:
    # Now for this connection's readers, and again at commit for everyone else.
    owner_id = instance.owner_id
    scenarios.forget(owner_id)
    transaction.on_commit(lambda: scenarios.forget(owner_id))
