"""Streaming responses that stay streaming under ASGI.

Django serves a synchronous iterator over ASGI by reading it whole into a list first
(`StreamingHttpResponse.__aiter__`), which would hold a multi-gigabyte file or ZIP in
memory. These classes hand it to daphne one piece at a time instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.http import FileResponse, StreamingHttpResponse


class _PiecewiseAsync:
    streaming_content: object

    async def __aiter__(self) -> AsyncIterator[bytes]:
        iterator = iter(self.streaming_content)  # type: ignore[call-overload]
        take = sync_to_async(next, thread_sensitive=False)
        while (piece := await take(iterator, None)) is not None:
            yield piece


class StreamedFileResponse(_PiecewiseAsync, FileResponse):
    """A FileResponse that reads the file block by block under ASGI too."""


class StreamedResponse(_PiecewiseAsync, StreamingHttpResponse):
    """A StreamingHttpResponse that pulls its iterator piece by piece under ASGI too."""
