"""The JSON status view: the same payload as the websocket, owner only."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.models import Job
from jobs.runs import progress

pytestmark = pytest.mark.django_db


def test_it_returns_the_jobs_progress(alice_client: Any, make_job: Any) -> None:
    job = make_job(total_patients=400)
    job.mark_running("worker-1")
    progress.record(job, Job.Phase.GENERATING, 100, 400)

    response = alice_client.get(f"/jobs/{job.id}/status/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body == progress.payload(Job.objects.get(pk=job.pk))
    assert (body["status"], body["phase"], body["done"], body["total"]) == (
        "running",
        "generating",
        100,
        400,
    )
    assert body["percent"] == 25.0
    assert body["message"] == "Generating 100 of 400 patients"
    assert body["finished"] is False


def test_it_shows_the_queue_position(alice_client: Any, make_job: Any) -> None:
    first, second, third = make_job(), make_job(), make_job()

    positions = [
        alice_client.get(f"/jobs/{j.id}/status/").json()["queue_position"]
        for j in (first, second, third)
    ]
    first.mark_running("worker-1")
    after = alice_client.get(f"/jobs/{third.id}/status/").json()

    assert positions == [1, 2, 3]
    assert after["queue_position"] == 2
    assert after["message"] == "Queued, position 2 in the queue"


def test_it_gives_eta_and_rate_while_generating(alice_client: Any, make_job: Any) -> None:
    job = make_job(total_patients=1000)
    job.mark_running("worker-1")
    Job.objects.filter(pk=job.pk).update(phase="generating", done=250, rate=50.0)

    body = alice_client.get(f"/jobs/{job.id}/status/").json()

    assert body["rate"] == 50.0
    assert body["eta_seconds"] == 15.0


def test_it_costs_two_queries_the_user_and_the_job(
    alice_client: Any, make_job: Any, django_assert_num_queries: Any
) -> None:
    # Polled every second by every page without its websocket: the session comes from
    # Redis, the job row without its scenario and summary documents.
    job = make_job()
    job.mark_running("worker-1")
    alice_client.get(f"/jobs/{job.id}/status/")  # the session is now in the cache

    with django_assert_num_queries(2) as captured:
        response = alice_client.get(f"/jobs/{job.id}/status/")

    assert response.status_code == 200
    job_query = captured.captured_queries[-1]["sql"]
    assert '"jobs_job"."status"' in job_query
    assert '"jobs_job"."scenario"' not in job_query
    assert '"jobs_job"."summary"' not in job_query


def test_a_queued_job_costs_one_more_query_for_its_place(
    alice_client: Any, make_job: Any, django_assert_num_queries: Any
) -> None:
    job = make_job()
    alice_client.get(f"/jobs/{job.id}/status/")

    with django_assert_num_queries(3):
        assert alice_client.get(f"/jobs/{job.id}/status/").json()["queue_position"] == 1


def test_it_hides_alices_job_from_bob(client: Any, bob: Any, make_job: Any) -> None:
    job = make_job()
    client.force_login(bob)

    assert client.get(f"/jobs/{job.id}/status/").status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Any, make_job: Any) -> None:
    job = make_job()

    response = client.get(f"/jobs/{job.id}/status/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_404s_for_an_unknown_job(alice_client: Any) -> None:
    assert alice_client.get("/jobs/00000000-0000-0000-0000-000000000000/status/").status_code == 404


def test_it_does_not_record_progress_for_a_job_it_no_longer_owns(make_job: Any) -> None:
    job = make_job()
    job.mark_running("worker-1")
    Job.objects.get(pk=job.pk).cancel()

    assert progress.record(job, Job.Phase.GENERATING, 10, 300) is False
    assert Job.objects.get(pk=job.pk).done == 0


def test_progress_is_written_at_most_every_interval_and_on_every_new_phase(
    make_job: Any, settings: Any
) -> None:
    settings.MEDGEN_PROGRESS_INTERVAL = 3600
    job = make_job(total_patients=400)
    job.mark_running("worker-1")
    recorder = progress.Recorder(job)

    recorder(Job.Phase.GENERATING, 100, 400)
    recorder(Job.Phase.GENERATING, 200, 400)  # within the interval: not written
    assert Job.objects.get(pk=job.pk).done == 100

    recorder(Job.Phase.WRITING, 400, 400)  # a new phase: written at once
    stored = Job.objects.get(pk=job.pk)
    assert (stored.phase, stored.done) == (Job.Phase.WRITING, 400)
