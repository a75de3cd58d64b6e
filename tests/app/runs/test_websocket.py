"""Progress over the websocket: state on connect, events per chunk, owners only."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from jobs.models import Job
from jobs.runs import tasks
from tests.app.sockets import OpenSocket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def job_socket(open_socket: OpenSocket) -> Any:
    """job_socket(job, client=None) -> a communicator with the client's session cookie."""

    def open_(job: Job, client: Any | None = None) -> WebsocketCommunicator:
        headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
        if client is not None:
            headers.append((b"cookie", f"sessionid={client.session.session_key}".encode()))
        return open_socket(f"/ws/jobs/{job.id}/", headers)

    return open_


async def _drain(communicator: WebsocketCommunicator) -> list[dict[str, Any]]:
    events = []
    while not await communicator.receive_nothing(timeout=0.5):
        events.append(await communicator.receive_json_from())
    return events


@pytest.fixture
def job(make_job: Any) -> Job:
    return make_job(total_patients=500)


async def test_it_sends_the_current_state_on_connect(
    job: Job, alice_client: Any, job_socket: Any
) -> None:
    communicator = job_socket(job, alice_client)
    connected, _ = await communicator.connect()

    assert connected
    state = await communicator.receive_json_from()
    assert (state["id"], state["status"], state["queue_position"]) == (str(job.id), "queued", 1)
    await communicator.disconnect()


async def test_it_pushes_progress_as_each_chunk_completes(
    job: Job, alice_client: Any, job_socket: Any
) -> None:
    communicator = job_socket(job, alice_client)
    await communicator.connect()
    await communicator.receive_json_from()

    await database_sync_to_async(tasks.run_job)(str(job.id))
    events = await _drain(communicator)

    generating = [e["done"] for e in events if e["phase"] == "generating"]
    assert generating == [100, 200, 300, 400, 500]  # chunk size 100 in the tests
    assert events[-1]["status"] == "completed"
    assert events[-1]["percent"] == 100
    assert events[-1]["finished"] is True
    await communicator.disconnect()


async def test_it_sends_the_same_payload_as_the_status_view(
    job: Job, alice_client: Any, job_socket: Any
) -> None:
    communicator = job_socket(job, alice_client)
    await communicator.connect()
    pushed = await communicator.receive_json_from()

    polled = (await database_sync_to_async(alice_client.get)(f"/jobs/{job.id}/status/")).json()

    assert pushed == polled
    await communicator.disconnect()


async def test_it_rejects_anonymous_sockets(job: Job, job_socket: Any) -> None:
    communicator = job_socket(job)

    connected, _ = await communicator.connect()

    assert not connected


async def test_it_rejects_bob_on_alices_job(
    job: Job, client: Any, bob: Any, job_socket: Any
) -> None:
    await database_sync_to_async(client.force_login)(bob)
    communicator = job_socket(job, client)

    connected, _ = await communicator.connect()

    assert not connected


async def test_it_lets_staff_watch_any_job(
    job: Job, client: Any, staff: Any, job_socket: Any
) -> None:
    await database_sync_to_async(client.force_login)(staff)
    communicator = job_socket(job, client)

    connected, _ = await communicator.connect()

    assert connected
    await communicator.disconnect()


async def test_it_rejects_foreign_origins(job: Job, open_socket: OpenSocket) -> None:
    headers = [(b"origin", b"http://evil.example"), (b"cookie", b"x=y")]
    communicator = open_socket(f"/ws/jobs/{job.id}/", headers)

    connected, _ = await communicator.connect()

    assert not connected


async def test_an_idle_socket_stays_open_and_gets_the_next_update(
    job: Job, alice_client: Any, job_socket: Any
) -> None:
    # The real Redis channel layer: 30 s without a message used to end in close code 1011
    # after about 5 s (a socket timeout racing channels_redis's 5 s blocking read).
    from django.conf import settings

    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    communicator = job_socket(job, alice_client)
    await communicator.connect()
    await communicator.receive_json_from()

    assert await communicator.receive_nothing(timeout=30, interval=1)
    await database_sync_to_async(tasks.run_job)(str(job.id))
    events = await _drain(communicator)

    assert events and events[-1]["status"] == "completed"
    await communicator.disconnect()
