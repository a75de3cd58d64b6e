"""Websocket communicators that never outlive their test.

Each async test runs on its own event loop, while Channels keeps one channel layer per
process (as Daphne does, with one loop for the life of the process). A consumer left
running when its test ends (a refused socket that was never disconnected) held the
layer's receive state across loops, and once hung the suite in the loop's teardown. So a
socket test gets a channel layer of its own, and every communicator it opened is
disconnected before its loop closes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest_asyncio
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator

from medgen_site.asgi import application

Headers = list[tuple[bytes, bytes]]
OpenSocket = Callable[[str, Headers], WebsocketCommunicator]


@pytest_asyncio.fixture
async def open_socket() -> AsyncIterator[OpenSocket]:
    """open_socket(path, headers) -> a communicator on the project's ASGI application."""
    channel_layers.backends.clear()
    opened: list[WebsocketCommunicator] = []

    def open_(path: str, headers: Headers) -> WebsocketCommunicator:
        communicator = WebsocketCommunicator(application, path, headers=headers)
        opened.append(communicator)
        return communicator

    yield open_
    for communicator in opened:
        # The consumer ends before this test's loop does; one a test already timed out
        # on was cancelled then.
        with contextlib.suppress(asyncio.CancelledError):
            await communicator.disconnect()
    channel_layers.backends.clear()
