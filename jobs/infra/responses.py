"""Streaming responses that stay streaming under ASGI.

Django serves a synchronous iterator over ASGI by reading it whole into a list first
(`StreamingHttpResponse.__aiter__`), which would hold a multi-gigabyte file or ZIP in
memory. These classes hand it to daphne one piece at a time instead.

An error while reading (a file removed or unreadable half-way) ends the response where
it is, logged, instead of propagating: once the headers are out, daphne can neither send
an error page nor close the connection for an exception, so the download would hang
until the client gives up. A ZIP cut short has no central directory and every unzip tool
calls it damaged; the views check that every file exists before the response starts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.http import FileResponse, StreamingHttpResponse

log = logging.getLogger(__name__)


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
    while True:
        try:
            piece = await take(content)
        except Exception:
            log.exception("download stopped half-way; the response ends here")
            return
        if piece is None:
            return
        yield piece


def _next_piece(pieces: Iterator[bytes]) -> bytes | None:
    return next(pieces, None)
