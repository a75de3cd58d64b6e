"""Workers' heartbeat keys in Redis (see jobs.ops.watch): set, read, removed."""

from __future__ import annotations

import django_rq
from django.conf import settings

from jobs.runs import tasks

ALIVE_KEY = "medgen:worker-alive:"


def beat(name: str) -> None:
    """Say `name` is alive for the next JOB_WORKER_TTL seconds."""
    redis = django_rq.get_connection(tasks.QUEUE)
    redis.set(ALIVE_KEY + name, "1", ex=settings.JOB_WORKER_TTL)


def alive(names: list[str]) -> set[str]:
    """Those of `names` whose heartbeat key is still there."""
    if not names:
        return set()
    redis = django_rq.get_connection(tasks.QUEUE)
    values = redis.mget([ALIVE_KEY + name for name in names])
    return {name for name, value in zip(names, values, strict=True) if value is not None}


def forget(name: str) -> None:
    django_rq.get_connection(tasks.QUEUE).delete(ALIVE_KEY + name)
