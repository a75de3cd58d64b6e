from django.urls import path

from jobs import archive, cards, views
from jobs.exercises import views as exercise_views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.job_new, name="job_new"),
    path("<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("<uuid:job_id>/status/", views.job_status, name="job_status"),
    path("<uuid:job_id>/result/", views.job_result, name="job_result"),
    path("<uuid:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("<uuid:job_id>/again/", views.job_again, name="job_again"),
    path("<uuid:job_id>/save-scenario/", views.job_save_scenario, name="job_save_scenario"),
    path("<uuid:job_id>/download.zip", views.download_zip, name="download_zip"),
    path("<uuid:job_id>/files/<str:name>", views.download_file, name="download_file"),
    path("<uuid:job_id>/cards/", cards.casualty_cards, name="casualty_cards"),
    path("<uuid:job_id>/exercises/new/", exercise_views.run_new, name="exercise_new"),
    path(
        "<uuid:job_id>/download-aes.zip",
        archive.download_encrypted_zip,
        name="download_encrypted_zip",
    ),
]
