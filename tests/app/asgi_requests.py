"""GET through an ASGI application, as daphne would, for the tests that need the real stack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgiref.testing import ApplicationCommunicator


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


async def asgi_get(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> Response:
    """The whole response, once the application has finished with the request."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    body, more = b"", True
    while more:
        message = await communicator.receive_output(timeout=10)
        body += message.get("body", b"")  # optional in ASGI: Django omits it at the end
        more = message.get("more_body", False)
    await communicator.wait(timeout=10)  # Django closes the response after answering
    names = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
    return Response(status=start["status"], headers=names, body=body)
