"""Refuse request bodies over a limit before anyone reads them (an ASGI wrapper).

Django reads a whole body before its checks run: a 50 MB POST, even an anonymous one that
ends in a 403, raised daphne's memory by about 550 MB. This wrapper sits in front of
Django: a `Content-Length` over settings.MEDGEN_MAX_REQUEST_BYTES is answered 413 at
once, without reading the body; a body without a length (chunked) is read here, counted,
and refused as soon as it passes the limit, so at most the limit is ever held. A reverse
proxy should cap bodies too (docs/operations.md), so they never reach daphne.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    def __init__(self, app: Any, limit: int) -> None:  # any ASGI app (Django's is typed apart)
        self.app: ASGIApp = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit <= 0:
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None:
            if length > self.limit:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:  # no length given: count the body as it arrives
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(messages, receive), send)

    async def _refuse(self, send: Send) -> None:
        text = (
            f"The request body is larger than {self.limit:,} bytes, the most MedGen accepts "
            "(scenario files are at most 1 MB).\n"
        ).encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(text)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": text})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
