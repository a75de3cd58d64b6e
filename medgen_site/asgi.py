"""ASGI entry point: HTTP through Django, websockets through Channels (daphne serves both).

The shape of the Channels tutorial: Django's application first (it sets Django up, so
the app registry is ready before the consumers import models), then the router.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medgen_site.settings")
django.setup(set_prefix=False)  # what get_asgi_application does, with our handler below

from medgen_site.sync_asgi import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()  # one thread switch a request: see sync_asgi

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from jobs.exercises.routing import websocket_urlpatterns as exercise_sockets  # noqa: E402
from jobs.runs.routing import websocket_urlpatterns  # noqa: E402
from medgen_site.body_limit import BodyLimit  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app, settings.MEDGEN_MAX_REQUEST_BYTES),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([*websocket_urlpatterns, *exercise_sockets]))
        ),
    }
)
