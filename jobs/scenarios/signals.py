"""Receivers that keep the saved-scenario caches in step with rows (see jobs.scenarios.cached)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jobs.scenarios import cached
from jobs.scenarios.models import ScenarioConfig, ScenarioVersion


@receiver(post_save, sender=ScenarioConfig, dispatch_uid="jobs.scenario_saved")
@receiver(post_delete, sender=ScenarioConfig, dispatch_uid="jobs.scenario_deleted")
def scenario_changed(sender: type[ScenarioConfig], instance: ScenarioConfig, **kwargs: Any) -> None:
    # The picker's list changes with any save (a rename too) or delete: at once for this
    # connection's next read, and again at commit for a reader that cached the old list
    # in between. Versions need nothing: lookups read the current one from the database.
    owner_id = instance.owner_id
    cached.forget_catalog(owner_id)
    transaction.on_commit(lambda: cached.forget_catalog(owner_id))


@receiver(post_save, sender=ScenarioVersion, dispatch_uid="jobs.scenario_version_saved")
def version_saved(sender: type[ScenarioVersion], instance: ScenarioVersion, **kwargs: Any) -> None:
    if kwargs.get("created"):
        config_id, version = instance.config_id, instance.version
        transaction.on_commit(lambda: cached.publish(config_id, version))
