"""Saved scenarios and compiled tables from the cache, never stale.

Keys (Django's cache, `medgen:<CACHE_VERSION>:` prefixed):

- `scenario:<id>:current` -> the current version number: deleted by `signals` when the
  scenario is saved (at once and again on commit), a tombstone once it is deleted.
  It only ever moves forward (`_advance`), so a slow reader that loaded an older number
  from the database cannot put it back after a newer one was cached.
- `scenario:<id>:v<n>` -> `SavedScenario`, the immutable snapshot of version n; written
  when version n commits (with its compiled tables), so the first job from it hits.
- `tables:<sha256 of the normalised document>:<engine version>` -> `generation.Tables`;
  the key is the content, so an entry can never be stale.
- `scenarios:<owner id>` -> the owner's catalogue for the new-job page's picker.

TTLs only bound memory; freshness comes from deleting keys on write. Every lookup
counts a hit or a miss (jobs.infra.stats).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from redis import RedisError

import generation
from jobs.infra import stats
from jobs.scenarios.models import ScenarioConfig, ScenarioVersion

log = logging.getLogger(__name__)
CACHE_VERSION = 3  # bump when a cached shape changes (3: SavedScenario moved to this module)
CACHE_TTL = 24 * 3600
DELETED = 2**62  # tombstone: larger than any version, so nothing moves the pointer back
_ADVANCE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return tonumber(ARGV[1])
end
return current
"""


@dataclass(frozen=True)
class SavedScenario:
    """One version of a saved scenario, as cached."""

    id: int
    owner_id: int
    version_id: int
    version: int
    name: str
    description: str
    document: dict[str, Any]


def current_key(config_id: int) -> str:
    return f"scenario:{config_id}:current"


def version_key(config_id: int, version: int) -> str:
    return f"scenario:{config_id}:v{version}"


def catalog_key(owner_id: int) -> str:
    return f"scenarios:{owner_id}"


def lookup(config_id: int, owner: Any = None) -> SavedScenario | None:
    """The current version of a saved scenario (None: no such scenario, or not `owner`'s)."""
    version, pointer_hit = _current_version(config_id)
    if version is None or version >= DELETED:
        stats.count_cache("scenario", pointer_hit)
        return None
    saved, snapshot_hit = _version(config_id, version)
    stats.count_cache("scenario", pointer_hit and snapshot_hit)
    if saved is None:  # the pointer is ahead of the database: that save was rolled back
        saved = _from_database(config_id)
    if saved is None or (owner is not None and saved.owner_id != owner.pk):
        return None
    return saved


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


PROCESS_TABLES = 16
_process_tables: OrderedDict[str, generation.Tables] = OrderedDict()


def clear_process_tables() -> None:
    """Forget this process's compiled tables (tests; a worker never needs to)."""
    _process_tables.clear()


def _shared_tables(key: str, scenario: generation.Scenario) -> generation.Tables:
    stats.count_cache("tables_process", False)
    try:
        tables = cache.get(key, version=CACHE_VERSION)
    except RedisError:
        log.warning("tables cache unavailable; compiling", exc_info=True)
        return generation.compile_tables(scenario)
    stats.count_cache("tables", tables is not None)
    if tables is None:
        tables = generation.compile_tables(scenario)
        cache.set(key, tables, CACHE_TTL, version=CACHE_VERSION)
    return tables


def tables_key(scenario: generation.Scenario) -> str:
    canonical = json.dumps(scenario.to_dict(), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"tables:{digest}:{generation.__version__}"


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


def forget(config_id: int, owner_id: int) -> None:
    """At once, when a scenario is saved: the next lookup reads the database."""
    cache.delete_many([current_key(config_id), catalog_key(owner_id)], version=CACHE_VERSION)


def publish(config_id: int, owner_id: int, version: int) -> None:
    """On commit of a save: `version` is current for every process from now on.

    The committed version's snapshot and compiled tables are cached first, so the first
    job from it already hits; this also replaces whatever a reader inside a rolled-back
    save may have cached under the same number.
    """
    rows = ScenarioVersion.objects.select_related("config")
    row = rows.filter(config_id=config_id, version=version).first()
    if row is None:  # deleted meanwhile
        return
    cache.set(version_key(config_id, version), snapshot(row), CACHE_TTL, version=CACHE_VERSION)
    prime_tables(row.document)
    cache.delete(catalog_key(owner_id), version=CACHE_VERSION)
    _advance(config_id, version)


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


def bury(config_id: int, owner_id: int, versions: int) -> None:
    """On commit of a delete: a tombstone for the pointer, every version's snapshot gone."""
    _advance(config_id, DELETED)
    keys = [version_key(config_id, n) for n in range(1, versions + 1)]
    cache.delete_many([*keys, catalog_key(owner_id)], version=CACHE_VERSION)


def _current_version(config_id: int) -> tuple[int | None, bool]:
    cached = cache.get(current_key(config_id), version=CACHE_VERSION)
    if cached is not None:
        return int(cached), True
    version = ScenarioConfig.objects.filter(pk=config_id).values_list("version", flat=True).first()
    return (None if version is None else _advance(config_id, version)), False


def _version(config_id: int, version: int) -> tuple[SavedScenario | None, bool]:
    key = version_key(config_id, version)
    saved: SavedScenario | None = cache.get(key, version=CACHE_VERSION)
    if saved is not None:
        return saved, True
    rows = ScenarioVersion.objects.select_related("config")
    row = rows.filter(config_id=config_id, version=version).first()
    saved = None if row is None else snapshot(row)
    if saved is not None:
        cache.set(key, saved, CACHE_TTL, version=CACHE_VERSION)
    return saved, False


def _from_database(config_id: int) -> SavedScenario | None:
    config = ScenarioConfig.objects.filter(pk=config_id).first()
    return None if config is None else snapshot(config.current_version())


def snapshot(row: ScenarioVersion) -> SavedScenario:
    """The cached shape of a version row."""
    return SavedScenario(
        id=row.config_id,
        owner_id=row.config.owner_id,
        version_id=row.pk,
        version=row.version,
        name=row.name,
        description=row.description,
        document=row.document,
    )


def _advance(config_id: int, version: int) -> int:
    """Cache `version` as current unless a newer one is cached; the number now cached."""
    key = cache.make_and_validate_key(current_key(config_id), version=CACHE_VERSION)
    result = stats.redis().eval(_ADVANCE, 1, key, version, CACHE_TTL)
    return int(result)
