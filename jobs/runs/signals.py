"""Receivers that keep files and caches in step with rows."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jobs import scenarios, storage
from jobs.models import Job, ScenarioConfig


@receiver(post_delete, sender=Job, dispatch_uid="jobs.delete_job_files")
def delete_job_files(sender: type[Job], instance: Job, **kwargs: Any) -> None:
    """A job's files go with its row, however it is deleted (admin, command, cascade)."""
    prefix = instance.storage_prefix
    transaction.on_commit(lambda: storage.delete_prefix(prefix))


@receiver(post_save, sender=ScenarioConfig, dispatch_uid="jobs.scenario_saved")
def scenario_saved(sender: type[ScenarioConfig], instance: ScenarioConfig, **kwargs: Any) -> None:
    # At once for readers on this connection; at commit, the new version for everyone.
    config_id, owner_id, version = instance.pk, instance.owner_id, instance.version
    scenarios.forget(config_id, owner_id)
    transaction.on_commit(lambda: scenarios.publish(config_id, owner_id, version))


@receiver(post_delete, sender=ScenarioConfig, dispatch_uid="jobs.scenario_deleted")
def scenario_deleted(sender: type[ScenarioConfig], instance: ScenarioConfig, **kwargs: Any) -> None:
    config_id, owner_id, versions = instance.pk, instance.owner_id, instance.version
    scenarios.forget(config_id, owner_id)
    transaction.on_commit(lambda: scenarios.bury(config_id, owner_id, versions))
