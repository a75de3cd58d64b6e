"""The job page: current state on first render, results when done, owner only."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_it_renders_the_current_state(alice_client: Any, make_job: Any) -> None:
    job = make_job(total_patients=300)

    response = alice_client.get(f"/jobs/{job.id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="job-progress"' in html
    assert f'data-ws-path="/ws/jobs/{job.id}/"' in html
    assert "Queued, position 1 in the queue" in html
    state = json.loads(
        html.split('id="job-state" type="application/json">')[1].split("</script>")[0]
    )
    assert state["status"] == "queued"


def test_it_shows_summary_and_downloads_when_done(
    alice_client: Any, make_job: Any, burst_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = make_job(total_patients=200)
    burst_worker()

    html = alice_client.get(f"/jobs/{job.id}/").content.decode()

    assert 'id="download-zip"' in html
    assert f"/jobs/{job.id}/files/patients.json" in html
    assert "Summary: 200 casualties" in html
    assert 'id="cancel-form" hidden' in html


def test_it_renders_the_result_partial(
    alice_client: Any, make_job: Any, burst_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = make_job(total_patients=200)
    burst_worker()

    response = alice_client.get(f"/jobs/{job.id}/result/")

    assert response.status_code == 200
    assert 'id="download-zip"' in response.content.decode()


def test_it_hides_alices_job_from_bob(client: Any, bob: Any, make_job: Any) -> None:
    job = make_job()
    client.force_login(bob)

    assert client.get(f"/jobs/{job.id}/").status_code == 404
    assert client.get(f"/jobs/{job.id}/result/").status_code == 404


def test_it_shows_any_job_to_staff(client: Any, staff: Any, make_job: Any) -> None:
    job = make_job()
    client.force_login(staff)

    response = client.get(f"/jobs/{job.id}/")

    assert response.status_code == 200
    assert "owner alice" in response.content.decode()


def test_it_redirects_anonymous_users_to_login(client: Any, make_job: Any) -> None:
    job = make_job()

    response = client.get(f"/jobs/{job.id}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/jobs/{job.id}/"
