"""ASGI entry point: HTTP through Django, websockets through Channels (daphne serves both)."""

import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medgen_site.settings")
# Django must be set up before anything imports models (the consumers do).
django.setup(set_prefix=False)


class SyncChainASGIHandler(ASGIHandler):
    """Django's ASGI handler, entering the middleware chain and the view in one thread hop.

    Django's own handler builds the chain in async mode: then every `process_request`,
    `process_response` and `process_view` of the (sync) built-in middleware, and the
    sync view, is a separate hop from the event loop to the request's thread and back:
    16 for a status poll, about a third of its CPU time. Every middleware and
    view of this app is synchronous, so the chain is built in sync mode (as under WSGI)
    and entered once per request, in the request's own thread (`thread_sensitive`, so
    each request keeps one thread and one database connection, as Django expects).
    An async view would still work (Django calls it through `async_to_sync`), it would
    only gain nothing. docs/architecture.md has the figures.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from jobs.runs.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
