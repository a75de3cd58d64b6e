"""What a finished job offers, under the job's own address (/jobs/<id>/...)."""

from django.urls import path

from jobs.results import (
    archive,
    cards,
    downloads,
    figure_views,
    msel_views,
    playback_views,
    report_views,
)

urlpatterns = [
    path("<uuid:job_id>/download.zip", downloads.download_zip, name="download_zip"),
    path("<uuid:job_id>/files/<str:name>", downloads.download_file, name="download_file"),
    path("<uuid:job_id>/cards/", cards.casualty_cards, name="casualty_cards"),
    path(
        "<uuid:job_id>/download-aes.zip",
        archive.download_encrypted_zip,
        name="download_encrypted_zip",
    ),
    path("<uuid:job_id>/figures.json", figure_views.figures_json, name="figures_json"),
    path("<uuid:job_id>/figures/<slug:name>.csv", figure_views.figures_csv, name="figures_csv"),
    path("<uuid:job_id>/playback/", playback_views.job_playback, name="job_playback"),
    path("<uuid:job_id>/playback/state.json", playback_views.playback_state, name="playback_state"),
    path("<uuid:job_id>/playback/card.json", playback_views.playback_card, name="playback_card"),
    path("<uuid:job_id>/msel.<str:kind>", msel_views.job_msel, name="job_msel"),
    path("<uuid:job_id>/report/", report_views.job_report, name="job_report"),
]
