"""Saved scenarios, cached per user under versioned keys and invalidated on write.

`jobs.signals` deletes a user's key whenever one of their scenarios is saved or
deleted, so a cached catalogue is never stale; the TTL only bounds memory.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from jobs.models import SavedScenario

CACHE_VERSION = 1  # bump when the cached shape changes
CACHE_TTL = 24 * 3600


def catalog_key(owner_id: int) -> str:
    return f"scenarios:{owner_id}:v{CACHE_VERSION}"


def saved_catalog(owner: Any) -> list[dict[str, Any]]:
    """[{id, name, total_patients}] of `owner`'s saved scenarios, from cache when possible."""
    key = catalog_key(owner.pk)
    catalog: list[dict[str, Any]] | None = cache.get(key)
    if catalog is None:
        catalog = [
            {"id": s.pk, "name": s.name, "total_patients": s.document.get("total_patients")}
            for s in SavedScenario.objects.filter(owner=owner)
        ]
        cache.set(key, catalog, CACHE_TTL)
    return catalog


def forget(owner_id: int) -> None:
    cache.delete(catalog_key(owner_id))
