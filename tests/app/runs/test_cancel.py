"""Cancel: stops a job at its next chunk and removes partial files."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage

from jobs.models import Job
from jobs.runs import tasks

pytestmark = pytest.mark.django_db


def test_it_cancels_a_queued_job_which_then_never_runs(
    alice_client: Any, make_job: Any, burst_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = make_job()

    response = alice_client.post(f"/jobs/{job.id}/cancel/")
    burst_worker()

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.attempt == 0
    assert job.error == "Cancelled by the user."


def test_it_stops_a_running_job_at_the_next_chunk_and_removes_files(
    alice_client: Any, make_job: Any, monkeypatch: Any
) -> None:
    job = make_job(total_patients=1000)
    job.mark_running("worker-1")
    seen: list[int] = []
    record = tasks.progress.record

    def cancel_after_two_chunks(job: Job, phase: str, done: int, total: int, **kw: Any) -> bool:
        seen.append(done)
        if done == 200:
            alice_client.post(f"/jobs/{job.id}/cancel/")
        return record(job, phase, done, total, **kw)

    monkeypatch.setattr(tasks.progress, "record", cancel_after_two_chunks)
    tasks._generate(job)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert max(seen) == 200  # stopped before a third chunk was written
    assert not job.outputs.exists()
    assert not default_storage.exists(f"jobs/{job.id}/1/patients.json")


def test_it_keeps_a_completed_job_completed(alice_client: Any, make_job: Any) -> None:
    job = make_job()
    job.mark_running("worker-1")
    job.mark_completed({"total": 300})

    alice_client.post(f"/jobs/{job.id}/cancel/")

    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED


def test_it_does_not_let_bob_cancel_alices_job(client: Any, bob: Any, make_job: Any) -> None:
    job = make_job()
    client.force_login(bob)

    assert client.post(f"/jobs/{job.id}/cancel/").status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED


def test_it_only_cancels_on_post(alice_client: Any, make_job: Any) -> None:
    job = make_job()

    assert alice_client.get(f"/jobs/{job.id}/cancel/").status_code == 405
