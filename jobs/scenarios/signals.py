"""Receivers that keep the saved-scenario caches in step with rows (see jobs.scenarios.cached)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jobs.scenarios import cached
from jobs.scenarios.models import ScenarioConfig


@receiver(post_save, sender=ScenarioConfig, dispatch_uid="jobs.scenario_saved")
def scenario_saved(sender: type[ScenarioConfig], instance: ScenarioConfig, **kwargs: Any) -> None:
    # At once for readers on this connection; at commit, the new version for everyone.
    config_id, owner_id, version = instance.pk, instance.owner_id, instance.version
    cached.forget(config_id, owner_id)
    transaction.on_commit(lambda: cached.publish(config_id, owner_id, version))


@receiver(post_delete, sender=ScenarioConfig, dispatch_uid="jobs.scenario_deleted")
def scenario_deleted(sender: type[ScenarioConfig], instance: ScenarioConfig, **kwargs: Any) -> None:
    config_id, owner_id, versions = instance.pk, instance.owner_id, instance.version
    cached.forget(config_id, owner_id)
    transaction.on_commit(lambda: cached.bury(config_id, owner_id, versions))
