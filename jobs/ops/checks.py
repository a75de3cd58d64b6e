"""System checks for misconfiguration that would otherwise surface as odd runtime errors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.compatibility, deploy=False)
def check_medgen_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if settings.MEDGEN_CHUNK_SIZE < 1:
        problems.append(Error("MEDGEN_CHUNK_SIZE must be at least 1.", id="jobs.E001"))
    if settings.MEDGEN_ENGINE_WORKERS < 1:
        problems.append(Error("MEDGEN_ENGINE_WORKERS must be at least 1.", id="jobs.E003"))
    if settings.JOB_MAX_ATTEMPTS < 1:
        problems.append(Error("JOB_MAX_ATTEMPTS must be at least 1.", id="jobs.E002"))
    return problems


@register(Tags.database, deploy=True)
def check_production_database(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        hint = "Set DATABASE_URL=postgres://... so web and workers share one database."
        return [Warning("SQLite is for development only.", hint=hint, id="jobs.W001")]
    return []
