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
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.http import FileResponse, StreamingHttpResponse

log = logging.getLogger(__name__)


class _PiecewiseAsync:
    streaming_content: object

    async def __aiter__(self) -> AsyncIterator[bytes]:
        iterator = iter(self.streaming_content)  # type: ignore[call-overload]
        take = sync_to_async(next, thread_sensitive=False)
        while True:
            try:
                piece = await take(iterator, None)
            except Exception:
                log.exception("download stopped half-way; the response ends here")
                return
            if piece is None:
                return
            yield piece


class StreamedFileResponse(_PiecewiseAsync, FileResponse):
    """A FileResponse that reads the file block by block under ASGI too."""


class StreamedResponse(_PiecewiseAsync, StreamingHttpResponse):
    """A StreamingHttpResponse that pulls its iterator piece by piece under ASGI too."""
