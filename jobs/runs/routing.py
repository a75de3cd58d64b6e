from typing import Any

from django.urls import path

from jobs.runs.consumers import JobProgressConsumer

websocket_urlpatterns: list[Any] = [
    # Channels routes ASGI applications with Django's path(), which django-stubs types
    # for views only.
    path("ws/jobs/<uuid:job_id>/", JobProgressConsumer.as_asgi()),  # type: ignore[arg-type]
]
