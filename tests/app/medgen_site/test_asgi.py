"""The ASGI application daphne serves: pages through Django, each request cheaply.

medgen_site/asgi.py enters Django's (synchronous) middleware chain once per request, and
medgen_site/redis_pool.py keeps one Redis pool per process; without them each status
poll cost several times the CPU (docs/architecture.md, "Status polling").
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from django.core.cache import caches

from jobs.models import Job
from medgen_site.asgi import application
from tests.app.asgi_requests import Response, asgi_get

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _get(path: str, client: Any | None = None) -> Response:
    headers = [(b"accept", b"application/json")]
    if client is not None:
        headers.append((b"cookie", f"sessionid={client.session.session_key}".encode()))
    return await asgi_get(application, path, headers)


@pytest.fixture
def running_job(make_job: Any) -> Job:
    job = make_job(total_patients=400)
    job.mark_running("worker-1")
    Job.objects.filter(pk=job.pk).update(phase="generating", done=100)
    return job


@pytest.fixture
def bob_client(client: Any, bob: Any) -> Any:
    client.force_login(bob)
    return client


async def test_the_status_view_answers_its_owner_through_asgi(
    running_job: Job, alice_client: Any
) -> None:
    response = await _get(f"/jobs/{running_job.id}/status/", alice_client)

    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    assert b'"message": "Generating 100 of 400 patients"' in response.body


async def test_the_status_view_keeps_its_owner_rules_through_asgi(
    running_job: Job, bob_client: Any
) -> None:
    anonymous = await _get(f"/jobs/{running_job.id}/status/")
    other_user = await _get(f"/jobs/{running_job.id}/status/", bob_client)

    assert anonymous.status == 302
    assert anonymous.headers["location"].startswith("/accounts/login/")
    assert other_user.status == 404


async def test_a_request_costs_three_thread_hops_not_one_per_middleware(
    running_job: Job, alice_client: Any, monkeypatch: Any
) -> None:
    # request_started, the whole middleware chain with the view, and response.close():
    # Django's default handler makes 16 for this request (one per middleware step).
    hops = 0
    enter = SyncToAsync.__call__

    async def counted(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
        nonlocal hops
        hops += 1
        return await enter(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    response = await _get(f"/jobs/{running_job.id}/status/", alice_client)

    assert response.status == 200
    assert hops == 3


async def test_every_cache_object_shares_one_redis_pool() -> None:
    # Django makes a cache object per request context under ASGI; each one opening its
    # own pool meant a new Redis connection for every request that read the session.
    first, second = caches.create_connection("default"), caches.create_connection("default")

    assert first._cache.get_client().connection_pool is second._cache.get_client().connection_pool
