from django.urls import path

from jobs.exercises import views

urlpatterns = [
    path("<int:run_id>/", views.control, name="exercise_control"),
    path("<int:run_id>/clock/", views.change_clock, name="exercise_clock"),
    path("<int:run_id>/links/", views.link_new, name="exercise_link_new"),
    path(
        "<int:run_id>/links/<int:link_id>/revoke/", views.link_revoke, name="exercise_link_revoke"
    ),
    path("<int:run_id>/log.csv", views.run_log, name="exercise_log"),
    path("<int:run_id>/replay/", views.replay, name="exercise_replay"),
    path("<int:run_id>/replay/state/", views.replay_state, name="exercise_replay_state"),
]

# Under /jobs/: a new run of a job.
job_urlpatterns = [
    path("<uuid:job_id>/exercises/new/", views.run_new, name="exercise_new"),
]

# Outside /exercises/: a participant's board, reached by share link without an account.
board_urlpatterns = [
    path("<str:token>/", views.board, name="exercise_board"),
]
