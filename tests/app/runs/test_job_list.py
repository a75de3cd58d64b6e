"""My jobs: the user's own jobs, newest first, with "run again"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_it_lists_only_my_jobs_newest_first(alice_client: Any, bob: Any, make_job: Any) -> None:
    older = make_job(title="Older exercise")
    Job.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))
    newer = make_job(title="Newer exercise")
    make_job(owner=bob, title="Bob's exercise")

    response = alice_client.get("/jobs/")

    assert response.status_code == 200
    assert list(response.context["jobs"]) == [newer, older]
    assert "Bob&#x27;s exercise" not in response.content.decode()


def test_it_links_run_again_to_a_prefilled_form(alice_client: Any, make_job: Any) -> None:
    job = make_job(title="Winter drill", total_patients=777)

    response = alice_client.get(f"/jobs/{job.id}/again/")
    form_page = alice_client.get(response["Location"])

    assert response["Location"] == f"/jobs/new/?from={job.id}"
    assert form_page.status_code == 200
    assert "777" in form_page.content.decode()


def test_it_does_not_run_bobs_scenario_for_alice(
    alice_client: Any, bob: Any, make_job: Any
) -> None:
    job = make_job(owner=bob)

    assert alice_client.get(f"/jobs/{job.id}/again/").status_code == 404
    assert alice_client.get(f"/jobs/new/?from={job.id}").status_code == 404


def test_it_redirects_the_home_page_to_my_jobs(alice_client: Any) -> None:
    assert alice_client.get("/")["Location"] == "/jobs/"


def test_it_asks_anonymous_users_to_log_in(client: Any) -> None:
    response = client.get("/jobs/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/jobs/"


def test_it_logs_in_and_out(client: Any, alice: Any) -> None:
    page = client.get("/accounts/login/")
    logged_in = client.post("/accounts/login/", {"username": "alice", "password": "alice-password"})
    logged_out = client.post("/accounts/logout/")

    assert page.status_code == 200
    assert logged_in["Location"] == "/jobs/"
    assert logged_out["Location"] == "/accounts/login/"
    assert client.get("/jobs/").status_code == 302
