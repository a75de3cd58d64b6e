from django.urls import path

from jobs.exercises.consumers import BoardConsumer, ControlConsumer

websocket_urlpatterns = [
    path("ws/exercises/<int:run_id>/control/", ControlConsumer.as_asgi()),
    path("ws/exercise-boards/<str:token>/", BoardConsumer.as_asgi()),
]
