"""/metrics in Prometheus' text format, for staff or a bearer token (METRICS_TOKEN).

Job counts and database connections come from PostgreSQL, queue depth from RQ, and
the counters every process adds to (cache hits, patients, chunk durations) from Redis
(jobs.infra.stats). Written by hand: a few gauges, counters and one histogram.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator

import django_rq
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from jobs.infra import stats
from jobs.runs.models import Job
from jobs.runs.tasks import QUEUE

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
Sample = tuple[str, float]  # (labels, value), labels like '{status="queued"}' or ""


@login_not_required
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        status = 403 if request.user.is_authenticated else 401
        response = HttpResponse("Staff or a metrics token only.\n", status=status)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse("".join(exposition()), content_type=CONTENT_TYPE)


def _allowed(request: HttpRequest) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token: str = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    offered = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    return bool(token and offered) and hmac.compare_digest(offered.encode(), token.encode())


def exposition() -> Iterator[str]:
    """Every metric family, as text lines."""
    yield from _family("medgen_jobs", "gauge", "Jobs in the database by status.", _jobs())
    depth = [("", float(django_rq.get_queue(QUEUE).count))]
    yield from _family("medgen_queue_depth", "gauge", "Jobs waiting in the RQ queue.", depth)
    patients = [("", float(stats.patients_generated()))]
    yield from _family(
        "medgen_patients_generated_total", "counter", "Patients of completed jobs.", patients
    )
    yield from _chunk_histogram()
    yield from _cache_counters()
    yield from _family(
        "medgen_db_connections", "gauge", "Connections to this database by state.", _db()
    )


def _jobs() -> list[Sample]:
    counts = dict(Job.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return [(f'{{status="{s}"}}', float(counts.get(s, 0))) for s in Job.Status.values]


def _chunk_histogram() -> Iterator[str]:
    buckets, count, total = stats.chunk_histogram()
    samples = [(f'_bucket{{le="{le}"}}', float(n)) for le, n in buckets]
    samples += [("_sum", total), ("_count", float(count))]
    yield from _family(
        "medgen_chunk_duration_seconds", "histogram", "Time to generate one chunk.", samples
    )


def _cache_counters() -> Iterator[str]:
    counts = stats.cache_counts()
    for kind, index in (("hits", 0), ("misses", 1)):
        samples = [(f'{{cache="{name}"}}', float(pair[index])) for name, pair in counts.items()]
        help_text = f"Cache {kind} by cache."
        yield from _family(f"medgen_cache_{kind}_total", "counter", help_text, samples)


def _db() -> list[Sample]:
    """Connections to the current database (PostgreSQL's pg_stat_activity), by state."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() GROUP BY 1 ORDER BY 1"
        )
        return [(f'{{state="{state}"}}', float(n)) for state, n in cursor.fetchall()]


def _family(name: str, kind: str, help_text: str, samples: Iterable[Sample]) -> Iterator[str]:
    yield f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n"
    for labels, value in samples:  # labels may start with a suffix: `_bucket{le="1.0"}`
        yield f"{name}{labels} {_number(value)}\n"


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)
