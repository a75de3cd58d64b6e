"""Saved scenarios and compiled tables from the cache, never stale.

Only what cannot change is cached (Django's cache, `medgen:<CACHE_VERSION>:` prefixed):

- `scenario:<id>:v<n>` -> `SavedScenario`, the snapshot of version n of scenario id.
  A committed version is never changed, so an entry is right for as long as it exists.
  Only committed versions are cached: when version n commits (with its compiled tables,
  so the first job from it hits), and on a miss read outside any transaction (a read
  inside one could see a version that is then rolled back, and its number reused).
- `tables:<sha256 of the normalised document>:<engine version>` -> `generation.Tables`;
  the key is the content, so an entry can never be stale. A worker also keeps the last
  few in its memory.
- `scenarios:<owner id>` -> the owner's catalogue for the new-job page's picker, deleted
  by `signals` whenever one of the owner's scenarios is saved or deleted.

Which version is current always comes from the database: one primary-key query per
lookup, so an edit or a delete is seen by the next read in every process. TTLs only
bound memory. Every lookup counts a hit or a miss (jobs.infra.stats).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from redis import RedisError

import generation
from jobs.infra import stats
from jobs.scenarios.models import ScenarioConfig, ScenarioVersion

log = logging.getLogger(__name__)
CACHE_VERSION = 4  # bump when a cached shape changes (4: no owner in SavedScenario)
CACHE_TTL = 24 * 3600
PROCESS_TABLES = 16  # compiled tables a process keeps in memory, most recent first
_process_tables: OrderedDict[str, generation.Tables] = OrderedDict()


@dataclass(frozen=True)
class SavedScenario:
    """One version of a saved scenario, as cached."""

    id: int
    version_id: int
    version: int
    name: str
    description: str
    document: dict[str, Any]


def version_key(config_id: int, version: int) -> str:
    return f"scenario:{config_id}:v{version}"


def catalog_key(owner_id: int) -> str:
    return f"scenarios:{owner_id}"


def lookup(config_id: int, owner: Any = None) -> SavedScenario | None:
    """The current version of a saved scenario (None: no such scenario, or not `owner`'s)."""
    found = ScenarioConfig.objects.filter(pk=config_id).values_list("version", "owner_id").first()
    if found is None:
        return None
    version, owner_id = found
    saved: SavedScenario | None = cache.get(version_key(config_id, version), version=CACHE_VERSION)
    stats.count_cache("scenario", saved is not None)
    if saved is None:
        saved = _read_version(config_id, version)
    if saved is None or (owner is not None and owner_id != owner.pk):
        return None  # (None: deleted between the two reads)
    return saved


def publish(config_id: int, version: int) -> None:
    """On commit of a new version: cache its snapshot and compiled tables, so the first
    job from it already hits."""
    saved = _read_version(config_id, version)
    if saved is not None:
        prime_tables(saved.document)


def forget_catalog(owner_id: int) -> None:
    cache.delete(catalog_key(owner_id), version=CACHE_VERSION)


def snapshot(row: ScenarioVersion) -> SavedScenario:
    """The cached shape of a version row."""
    return SavedScenario(
        id=row.config_id,
        version_id=row.pk,
        version=row.version,
        name=row.name,
        description=row.description,
        document=row.document,
    )


def _read_version(config_id: int, version: int) -> SavedScenario | None:
    """Version n from the database, cached if it is surely committed."""
    row = ScenarioVersion.objects.filter(config_id=config_id, version=version).first()
    if row is None:
        return None
    saved = snapshot(row)
    if not transaction.get_connection().in_atomic_block:
        cache.set(version_key(config_id, version), saved, CACHE_TTL, version=CACHE_VERSION)
    return saved


def saved_catalog(owner: Any) -> list[dict[str, Any]]:
    """[{id, name, version, total_patients}] of `owner`'s saved scenarios."""
    key = catalog_key(owner.pk)
    catalog: list[dict[str, Any]] | None = cache.get(key, version=CACHE_VERSION)
    stats.count_cache("catalog", catalog is not None)
    if catalog is None:
        catalog = [
            {
                "id": s.pk,
                "name": s.name,
                "version": s.version,
                "total_patients": s.document.get("total_patients"),
            }
            for s in ScenarioConfig.objects.for_user(owner)
        ]
        cache.set(key, catalog, CACHE_TTL, version=CACHE_VERSION)
    return catalog


def tables_for(scenario: generation.Scenario) -> generation.Tables:
    """The scenario's compiled tables, compiled at most once for all processes.

    A worker keeps the last few in memory: the key is the content's hash, so an entry
    can never be stale, and a hit there costs nothing (a Redis hit costs about as much
    as compiling). A cache that does not answer costs the compile, never the job.
    """
    key = tables_key(scenario)
    local = _process_tables.get(key)
    if local is not None:
        _process_tables.move_to_end(key)
        stats.count_cache("tables_process", True)
        return local
    tables = _shared_tables(key, scenario)
    _process_tables[key] = tables
    if len(_process_tables) > PROCESS_TABLES:
        _process_tables.popitem(last=False)
    return tables


def clear_process_tables() -> None:
    """Forget this process's compiled tables (tests; a worker never needs to)."""
    _process_tables.clear()


def tables_key(scenario: generation.Scenario) -> str:
    canonical = json.dumps(scenario.to_dict(), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"tables:{digest}:{generation.__version__}"


def prime_tables(document: dict[str, Any]) -> None:
    """Compile and cache a saved document's tables unless they are cached already."""
    try:
        scenario = generation.parse_scenario(document)
    except generation.ScenarioError:
        return  # jobs can't be made from it either
    key = tables_key(scenario)
    if not cache.has_key(key, version=CACHE_VERSION):
        tables = generation.compile_tables(scenario)
        cache.set(key, tables, CACHE_TTL, version=CACHE_VERSION)


def _shared_tables(key: str, scenario: generation.Scenario) -> generation.Tables:
    stats.count_cache("tables_process", False)
    try:
        tables: generation.Tables | None = cache.get(key, version=CACHE_VERSION)
    except RedisError:
        log.warning("tables cache unavailable; compiling", exc_info=True)
        return generation.compile_tables(scenario)
    stats.count_cache("tables", tables is not None)
    if tables is None:
        tables = generation.compile_tables(scenario)
        cache.set(key, tables, CACHE_TTL, version=CACHE_VERSION)
    return tables
