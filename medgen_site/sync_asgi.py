"""Django's ASGI handler with each HTTP request run in one worker thread, start to finish.

MedGen's views are synchronous, and so is part of its middleware (WhiteNoise and our
own). Django's ASGI handler builds an asynchronous middleware chain anyway, so a request
goes back and forth between the event loop and the thread that runs sync code at every
step: each MiddlewareMixin's process_request and process_response, each process_view,
the view, and the adapter around WhiteNoise: 16 hops there and back for a status poll.
Idle, that costs little; with the CPUs busy (jobs generating) every switch waits for a
time slice, which made the status view's p95 several times its idle time.

Here the middleware is loaded in sync mode, as under WSGI, and the whole chain runs with
one `sync_to_async` call (thread-sensitive: the same thread Django runs sync views on).
Same middleware, same order, same answers; daphne, streaming responses and websockets
are untouched (streamed bodies are still sent by the event loop).
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
