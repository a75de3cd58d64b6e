"""The ASGI application daphne serves: pages through medgen_site.sync_asgi (Django's handler,
its middleware chain entered once).

medgen_site/redis_pool.py keeps one Redis pool per process; without it each status poll
opened a Redis connection (docs/architecture.md, "The status view under load").
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
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


async def test_cache_objects_share_their_redis_connections(redis_db: Any, monkeypatch: Any) -> None:
    # Django makes a cache object per request context under ASGI; each one opening its
    # own pool meant a new Redis connection for every request that read the session.
    made = 0
    make = redis.connection.Connection.__init__

    def counted(self: redis.connection.Connection, *args: Any, **kwargs: Any) -> None:
        nonlocal made
        made += 1
        make(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "__init__", counted)
    for _ in range(3):  # one after the other, as requests do
        caches.create_connection("default").get("medgen-test-session")

    assert made <= 1


async def test_a_status_poll_enters_the_sync_code_once(
    running_job: Job, alice_client: Any, monkeypatch: Any
) -> None:
    # medgen_site/sync_asgi.py: the middleware chain runs in one thread, entered once,
    # besides Django's request_started and the response's close (Django's stock handler
    # hops to the thread and back for every middleware step: 16 for this poll).
    from asgiref import sync

    entered = 0
    call = sync.SyncToAsync.__call__

    async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal entered
        entered += 1
        return await call(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    response = await _get(f"/jobs/{running_job.id}/status/", alice_client)

    assert response.status == 200
    assert entered <= 3, entered
