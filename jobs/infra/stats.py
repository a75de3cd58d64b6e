"""Counters every process adds to in Redis, read by /metrics (jobs.ops.metrics).

Cache hits and misses, patients generated, failed jobs, three histograms (chunk, job and
status-view durations) and each process's memory and CPU live in Redis, so the one web
process Prometheus scrapes exposes what every worker measured, on any machine. (The
client library's multiprocess mode would need every process on one host sharing a
directory; MedGen's workers only share Redis and PostgreSQL.)

Counting never fails the caller: a Redis error is logged and the count is lost.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from prometheus_client.process_collector import ProcessCollector
from redis import Redis, RedisError

log = logging.getLogger(__name__)
PREFIX = "medgen:stats"
CACHES = ("scenario", "tables_process", "tables", "catalog")
PROCESS_KINDS = ("web", "worker")
# A process that has not reported for this long is gone (workers report at least every
# progress step and every RQ heartbeat; web processes whenever they serve status or metrics).
PROCESS_REPORT_TTL = 600
PROCESS_REPORT_EVERY = 5.0  # seconds: a process writes its figures at most this often


@dataclass(frozen=True)
class Histogram:
    """A histogram kept in one Redis hash: a count per bucket (not cumulative), sum, count."""

    name: str
    buckets: tuple[float, ...]  # upper bounds in seconds; +Inf is implied

    @property
    def key(self) -> str:
        return f"{PREFIX}:{self.name}"


CHUNK_SECONDS = Histogram("chunk_seconds", (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5, 10))
JOB_SECONDS = Histogram("job_seconds", (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 10800))
STATUS_SECONDS = Histogram(
    "status_seconds", (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
)
HISTOGRAMS = (CHUNK_SECONDS, JOB_SECONDS, STATUS_SECONDS)


@cache
def redis() -> Redis:
    """This process's own client for REDIS_URL (the server the cache and queue use too)."""
    return Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)


def count_cache(name: str, hit: bool) -> None:
    _safely(lambda r: r.incr(f"{PREFIX}:cache:{name}:{'hits' if hit else 'misses'}"))


def add_patients(count: int) -> None:
    _safely(lambda r: r.incrby(f"{PREFIX}:patients_generated", count))


def count_failed_job() -> None:
    _safely(lambda r: r.incr(f"{PREFIX}:jobs_failed"))


def observe(histogram: Histogram, seconds: float) -> None:
    """Add one observation to the histogram."""
    bound = next((b for b in histogram.buckets if seconds <= b), None)
    field = "+Inf" if bound is None else repr(float(bound))

    def write(r: Redis) -> Any:
        pipe = r.pipeline(transaction=False)
        pipe.hincrby(histogram.key, field, 1)
        pipe.hincrby(histogram.key, "count", 1)
        pipe.hincrbyfloat(histogram.key, "sum", seconds)
        return pipe.execute()

    _safely(write)


def observe_chunk(seconds: float) -> None:
    observe(CHUNK_SECONDS, seconds)


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


def jobs_failed() -> int:
    return int(redis().get(f"{PREFIX}:jobs_failed") or 0)


def histogram(histogram: Histogram) -> tuple[list[tuple[str, int]], int, float]:
    """([(le, cumulative count)], count, sum) of the histogram, +Inf last."""
    raw = {_text(k): _text(v) for k, v in redis().hgetall(histogram.key).items()}
    buckets, running = [], 0
    for field in [repr(float(b)) for b in histogram.buckets] + ["+Inf"]:
        running += int(raw.get(field, 0))
        buckets.append((field, running))
    return buckets, int(raw.get("count", 0)), float(raw.get("sum", 0.0))


def chunk_histogram() -> tuple[list[tuple[str, int]], int, float]:
    return histogram(CHUNK_SECONDS)


# Process figures: what the client library's process collector reads from /proc for
# this process, published under the process's kind and name for the scraped process.
_PROCESS_FIELDS = {
    "process_resident_memory_bytes": "rss",
    "process_cpu_seconds_total": "cpu",
    "process_open_fds": "fds",
    "process_start_time_seconds": "start",
}
_last_report: dict[str, float] = {}


def report_process(kind: str, *, force: bool = False) -> None:
    """Publish this process's memory, CPU and open files (at most every few seconds)."""
    now = time.monotonic()
    if not force and now - _last_report.get(kind, -PROCESS_REPORT_EVERY) < PROCESS_REPORT_EVERY:
        return
    _last_report[kind] = now
    figures = own_process_figures()
    if not figures:  # no /proc (not Linux): nothing to report
        return
    member = f"{kind}|{socket.gethostname()}:{os.getpid()}"

    def write(r: Redis) -> Any:
        pipe = r.pipeline(transaction=False)
        for field, value in figures.items():
            pipe.hset(f"{PREFIX}:process:{member}", field, value)
        pipe.expire(f"{PREFIX}:process:{member}", PROCESS_REPORT_TTL)
        pipe.zadd(f"{PREFIX}:processes", {member: time.time()})
        return pipe.execute()

    _safely(write)


def own_process_figures() -> dict[str, float]:
    """{"rss": bytes, "cpu": seconds, "fds": n, "start": epoch} from the process collector."""
    figures: dict[str, float] = {}
    for family in ProcessCollector(registry=None).collect():
        short = _PROCESS_FIELDS.get(family.name) or _PROCESS_FIELDS.get(family.name + "_total")
        if short and family.samples:
            figures[short] = float(family.samples[0].value)
    return figures


def processes() -> list[tuple[str, str, dict[str, float]]]:
    """[(kind, name, figures)] of every process that reported within the TTL."""
    r = redis()
    r.zremrangebyscore(f"{PREFIX}:processes", "-inf", time.time() - PROCESS_REPORT_TTL)
    members = [_text(m) for m in r.zrange(f"{PREFIX}:processes", 0, -1)]
    pipe = r.pipeline(transaction=False)
    for member in members:
        pipe.hgetall(f"{PREFIX}:process:{member}")
    found = []
    for member, raw in zip(members, pipe.execute(), strict=True):
        if raw:
            kind, _, name = member.partition("|")
            found.append((kind, name, {_text(k): float(v) for k, v in raw.items()}))
    return found


def _text(value: object) -> str:
    """A Redis reply as text (this client does not decode replies)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _safely(write: Callable[[Redis], Any]) -> None:
    try:
        write(redis())
    except RedisError:
        log.warning("could not record a statistic in Redis", exc_info=True)
