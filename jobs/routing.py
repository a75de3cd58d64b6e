from django.urls import path

from jobs.consumers import JobProgressConsumer
from jobs.exercises.routing import websocket_urlpatterns as exercise_patterns

websocket_urlpatterns = [
    path("ws/jobs/<uuid:job_id>/", JobProgressConsumer.as_asgi()),
    *exercise_patterns,
]
