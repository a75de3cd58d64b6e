"""Bodies over the limit are refused before they are read, anonymous or not."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator

from medgen_site.body_limit import BodyLimit

pytestmark = pytest.mark.asyncio


class Recorder:
    """An ASGI app that records whether it ran and reads the whole body."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/jobs/new/", "headers": headers}


async def _post(app: Any, headers: list[tuple[bytes, bytes]], pieces: list[bytes]) -> Any:
    communicator = ApplicationCommunicator(app, _scope(headers))
    for index, piece in enumerate(pieces):
        more = index < len(pieces) - 1
        await communicator.send_input({"type": "http.request", "body": piece, "more_body": more})
    start = await communicator.receive_output(timeout=5)
    body = await communicator.receive_output(timeout=5)
    return start, body


async def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    inner = Recorder()
    app = BodyLimit(inner, 1000)
    communicator = ApplicationCommunicator(app, _scope([(b"content-length", b"50000000")]))

    start = await communicator.receive_output(timeout=5)  # no body was sent at all
    body = await communicator.receive_output(timeout=5)

    assert start["status"] == 413 and not inner.called
    assert b"larger than 1,000 bytes" in body["body"]


async def test_a_chunked_body_is_counted_and_refused_at_the_limit() -> None:
    inner = Recorder()
    start, _ = await _post(BodyLimit(inner, 1000), [], [b"x" * 600, b"x" * 600, b"x" * 600])

    assert start["status"] == 413 and not inner.called


async def test_bodies_within_the_limit_pass_whole() -> None:
    inner = Recorder()
    start, _ = await _post(BodyLimit(inner, 1000), [], [b"a" * 400, b"b" * 400])
    assert start["status"] == 200 and inner.body == b"a" * 400 + b"b" * 400

    inner = Recorder()
    start, _ = await _post(BodyLimit(inner, 1000), [(b"content-length", b"3")], [b"abc"])
    assert start["status"] == 200 and inner.body == b"abc"


@pytest.mark.django_db
async def test_the_site_refuses_a_50_mb_anonymous_post() -> None:
    from medgen_site.asgi import application

    headers = [(b"host", b"testserver"), (b"content-length", str(50 * 1024 * 1024).encode())]
    communicator = ApplicationCommunicator(application, {**_scope(headers), "query_string": b""})
    start = await communicator.receive_output(timeout=5)

    assert start["status"] == 413
