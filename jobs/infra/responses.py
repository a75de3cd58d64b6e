"""Streaming responses that stay streaming under ASGI.

Django serves a synchronous iterator over ASGI by reading it whole into a list first
(`StreamingHttpResponse.__aiter__`), which would hold a multi-gigabyte file or ZIP in
memory. These classes hand it to daphne one piece at a time instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.http import FileResponse, StreamingHttpResponse


class StreamedFileResponse(FileResponse):
    """A FileResponse that reads the file block by block under ASGI too."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _piecewise(self.streaming_content)


class StreamedResponse(StreamingHttpResponse):
    """A StreamingHttpResponse that pulls its iterator piece by piece under ASGI too."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _piecewise(self.streaming_content)


async def _piecewise(content: Iterator[bytes] | AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Each piece of `content` as soon as it is made, a synchronous one in a worker thread."""
    if not isinstance(content, Iterator):
        async for made in content:
            yield made
        return
    take = sync_to_async(_next_piece, thread_sensitive=False)
    while (piece := await take(content)) is not None:
        yield piece


def _next_piece(pieces: Iterator[bytes]) -> bytes | None:
    return next(pieces, None)
