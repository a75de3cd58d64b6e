"""Counters every process adds to in Redis, read by /metrics (jobs.ops.metrics).

Cache hits and misses per cache, patients generated and the chunk duration histogram
live in Redis (INCR, HINCRBY), so the web process exposes what the workers measured.
Counting never fails the caller: a Redis error is logged and the count is lost.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from redis import Redis, RedisError

log = logging.getLogger(__name__)
PREFIX = "medgen:stats"
CACHES = ("scenario", "tables_process", "tables", "catalog")
# Upper bounds (seconds) of the chunk duration histogram's buckets; +Inf is implied.
CHUNK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def redis() -> Redis:
    """The Redis client behind Django's cache (its connection pool, its server)."""
    # RedisCache keeps its client private; this is the one place that reaches for it.
    client: Redis = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    return client


def count_cache(name: str, hit: bool) -> None:
    _safely(lambda r: r.incr(f"{PREFIX}:cache:{name}:{'hits' if hit else 'misses'}"))


def add_patients(count: int) -> None:
    _safely(lambda r: r.incrby(f"{PREFIX}:patients_generated", count))


def observe_chunk(seconds: float) -> None:
    """Add one chunk's duration to the histogram (bucket counts are not cumulative here)."""
    bound = next((b for b in CHUNK_BUCKETS if seconds <= b), None)
    field = "+Inf" if bound is None else repr(bound)

    def write(r: Redis) -> Any:
        key = f"{PREFIX}:chunk_seconds"
        pipe = r.pipeline(transaction=False)
        pipe.hincrby(key, field, 1)
        pipe.hincrby(key, "count", 1)
        pipe.hincrbyfloat(key, "sum", seconds)
        return pipe.execute()

    _safely(write)


class ChunkTimer:
    """Times the chunks between a job's progress reports (the first includes planning)."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._done = 0

    def step(self, phase: str, done: int) -> None:
        now = time.perf_counter()
        if phase == "generating" and done > self._done:
            observe_chunk(now - self._last)
            self._done = done
        self._last = now


def cache_counts() -> dict[str, tuple[int, int]]:
    """{cache name: (hits, misses)} for every cache MedGen counts."""
    keys = [f"{PREFIX}:cache:{name}:{kind}" for name in CACHES for kind in ("hits", "misses")]
    values = [int(v or 0) for v in redis().mget(keys)]
    return {name: (values[2 * i], values[2 * i + 1]) for i, name in enumerate(CACHES)}


def patients_generated() -> int:
    return int(redis().get(f"{PREFIX}:patients_generated") or 0)


def chunk_histogram() -> tuple[list[tuple[str, int]], int, float]:
    """([(le, cumulative count)], count, sum) of the chunk durations, +Inf last."""
    raw = {k.decode(): v.decode() for k, v in redis().hgetall(f"{PREFIX}:chunk_seconds").items()}
    buckets, running = [], 0
    for field in [repr(b) for b in CHUNK_BUCKETS] + ["+Inf"]:
        running += int(raw.get(field, 0))
        buckets.append((field, running))
    return buckets, int(raw.get("count", 0)), float(raw.get("sum", 0.0))


def _safely(write: Any) -> None:
    try:
        write(redis())
    except RedisError:
        log.warning("could not record a statistic in Redis", exc_info=True)
