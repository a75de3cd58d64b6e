"""What a finished job offers, under the job's own address (/jobs/<id>/...)."""

from django.urls import path

from jobs.results import archive, cards, downloads

urlpatterns = [
    path("<uuid:job_id>/download.zip", downloads.download_zip, name="download_zip"),
    path("<uuid:job_id>/files/<str:name>", downloads.download_file, name="download_file"),
    path("<uuid:job_id>/cards/", cards.casualty_cards, name="casualty_cards"),
    path(
        "<uuid:job_id>/download-aes.zip",
        archive.download_encrypted_zip,
        name="download_encrypted_zip",
    ),
]
