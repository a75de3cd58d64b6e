from typing import Any

from django.urls import path

from jobs.exercises.consumers import BoardConsumer, ControlConsumer

websocket_urlpatterns: list[Any] = [
    # Channels routes ASGI applications with Django's path(), which django-stubs types
    # for views only.
    path("ws/exercises/<int:run_id>/control/", ControlConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/exercise-boards/<str:token>/", BoardConsumer.as_asgi()),  # type: ignore[arg-type]
]
