"""Saved scenarios and their versions: what a user keeps and refines between jobs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

import generation


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
        self.document = generation.normalise_scenario(self.document)
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
