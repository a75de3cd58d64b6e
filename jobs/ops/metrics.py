"""/metrics in Prometheus' text format, for staff or a bearer token (METRICS_TOKEN).

Exported through the client library (`prometheus_client`): one collector reads, at each
scrape, job counts, queue age and database connections from PostgreSQL, queue depth and
workers from RQ, and the counters and process figures every process adds to Redis
(jobs.infra.stats); the library's own process collector describes the scraped process.
Each source is read on its own: one that is down leaves its families out (and
`medgen_ready` at 0) instead of failing the scrape.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable, Iterator

import django_rq
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from rq import Worker

from jobs.infra import stats
from jobs.ops import health
from jobs.runs.models import Job
from jobs.runs.tasks import QUEUE

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@login_not_required
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        status = 403 if request.user.is_authenticated else 401
        response = HttpResponse("Staff or a metrics token only.\n", status=status)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    stats.report_process("web", force=True)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE)


def _allowed(request: HttpRequest) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token: str = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    offered = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    return bool(token and offered) and hmac.compare_digest(offered.encode(), token.encode())


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MedgenCollector())
    ProcessCollector(registry=registry)
    return registry


class MedgenCollector(Collector):
    """Every medgen_* family, read fresh at each scrape."""

    def collect(self) -> Iterator[Metric]:
        ready = True
        for source in (_database_families, _queue_families, _redis_families):
            try:
                yield from list(source())
            except Exception as error:  # a source down must not fail the scrape
                log.warning("metrics: %s unavailable: %s", source.__name__, error)
                ready = False
        ready = ready and all(state == "ok" for state in health.readiness().values())
        yield _gauge("medgen_ready", "1 when PostgreSQL and Redis both answer.", [((), ready)])


def _database_families() -> Iterator[Metric]:
    counts = dict(Job.objects.values_list("status").annotate(n=Count("pk")).order_by())
    jobs = [((s,), counts.get(s, 0)) for s in Job.Status.values]
    yield _gauge("medgen_jobs", "Jobs in the database by status.", jobs, ["status"])
    now = timezone.now()
    ages = Job.objects.aggregate(
        oldest_queued=Min("created_at", filter=_status(Job.Status.QUEUED)),
        stalest_running=Min("heartbeat_at", filter=_status(Job.Status.RUNNING)),
    )
    oldest = ages["oldest_queued"]
    wait = (now - oldest).total_seconds() if oldest else 0.0
    yield _gauge(
        "medgen_queue_oldest_wait_seconds",
        "How long the oldest queued job has waited (0 when none waits).",
        [((), wait)],
    )
    stalest = ages["stalest_running"]
    silence = (now - stalest).total_seconds() if stalest else 0.0
    yield _gauge(
        "medgen_running_job_silence_seconds",
        "Longest time since a running job last reported progress (0 when none runs).",
        [((), silence)],
    )
    yield _gauge(
        "medgen_db_connections",
        "Connections to this database by state (pg_stat_activity).",
        _connections(),
        ["state"],
    )
    budget = "Connections MedGen may hold at once (DB_CONNECTION_BUDGET)."
    yield _gauge("medgen_db_connection_budget", budget, [((), settings.DB_CONNECTION_BUDGET)])
    pool = "Largest connection pool of one MedGen process (DB_POOL_MAX_SIZE)."
    yield _gauge("medgen_db_pool_max_size", pool, [((), settings.DB_POOL_MAX_SIZE)])


def _status(status: str) -> Q:
    return Q(status=status)


def _connections() -> list[tuple[tuple[str, ...], float]]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() GROUP BY 1 ORDER BY 1"
        )
        return [((state,), n) for state, n in cursor.fetchall()]


def _queue_families() -> Iterator[Metric]:
    queue = django_rq.get_queue(QUEUE)
    yield _gauge("medgen_queue_depth", "Jobs waiting in the RQ queue.", [((), queue.count)])
    workers = len(Worker.all(connection=queue.connection))
    yield _gauge("medgen_workers", "RQ workers registered and alive.", [((), workers)])


def _redis_families() -> Iterator[Metric]:
    yield _counter(
        "medgen_patients_generated", "Patients of completed jobs.", stats.patients_generated()
    )
    yield _counter("medgen_jobs_failed", "Jobs that ended failed.", stats.jobs_failed())
    yield _histogram(
        "medgen_chunk_duration_seconds", "Time to generate one chunk.", stats.CHUNK_SECONDS
    )
    yield _histogram(
        "medgen_job_duration_seconds", "Time from start to completion of a job.", stats.JOB_SECONDS
    )
    yield _histogram(
        "medgen_status_request_duration_seconds",
        "Time the job status view takes to answer.",
        stats.STATUS_SECONDS,
    )
    yield from _cache_families(stats.cache_counts())
    yield from _process_families(stats.processes())


def _cache_families(counts: dict[str, tuple[int, int]]) -> Iterator[Metric]:
    for kind, index in (("hits", 0), ("misses", 1)):
        family = CounterMetricFamily(
            f"medgen_cache_{kind}", f"Cache {kind} by cache.", labels=["cache"]
        )
        for name, pair in counts.items():
            family.add_metric([name], pair[index])
        yield family


_PROCESS_FAMILIES: tuple[
    tuple[str, str, str, type[GaugeMetricFamily] | type[CounterMetricFamily]], ...
] = (
    ("rss", "medgen_process_resident_memory_bytes", "Resident memory.", GaugeMetricFamily),
    ("cpu", "medgen_process_cpu_seconds", "CPU time used.", CounterMetricFamily),
    ("fds", "medgen_process_open_fds", "Open file descriptors.", GaugeMetricFamily),
)


def _process_families(found: list[tuple[str, str, dict[str, float]]]) -> Iterator[Metric]:
    """Each MedGen process's own figures, labelled by kind (web, worker) and process."""
    for field, name, help_text, kind in _PROCESS_FAMILIES:
        family = kind(name, f"{help_text} Per MedGen process.", labels=["kind", "process"])
        for process_kind, process, figures in found:
            if field in figures:
                family.add_metric([process_kind, process], figures[field])
        yield family


def _histogram(name: str, help_text: str, histogram: stats.Histogram) -> Metric:
    buckets, _count, total = stats.histogram(histogram)
    le = [(bound, float(n)) for bound, n in buckets]
    return HistogramMetricFamily(name, help_text, buckets=le, sum_value=total)


def _counter(name: str, help_text: str, value: float) -> Metric:
    return CounterMetricFamily(name, help_text, value=value)


def _gauge(
    name: str,
    help_text: str,
    samples: Iterable[tuple[tuple[str, ...], float]],
    labels: list[str] | None = None,
) -> Metric:
    family = GaugeMetricFamily(name, help_text, labels=labels or [])
    for values, value in samples:
        family.add_metric(list(values), float(value))
    return family
