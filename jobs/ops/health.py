"""Load balancer probes: /healthz (the process answers) and /readyz (its services answer).

Both are open to anonymous requests and say nothing about jobs or users.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and serving; touches neither the database nor Redis."""
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when PostgreSQL and Redis both answer, 503 (naming the failing one) otherwise."""
    checks = readiness()
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(checks, status=200 if ready else 503)


def readiness() -> dict[str, str]:
    """{"database": "ok" | "unavailable", "redis": ...}: what /readyz answers."""
    return {"database": _check(_database), "redis": _check(_redis)}


def _check(probe: Callable[[], None]) -> str:
    try:
        probe()
    except Exception as error:  # any failure means "not ready", never a 500
        log.warning("readiness check %s failed: %s", probe.__name__, error)
        return "unavailable"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    # Sessions live in the cache, whose server (REDIS_URL) the queue and channel layer share.
    cache.get("medgen:readyz")
