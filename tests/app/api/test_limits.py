"""The cap on queued + running jobs per user: 429 + Retry-After by API, a form error on the page."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.models import Job
from tests.app.test_form import post_data  # the page's form, as a person fills it
from tests.conftest import scenario_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(settings: Any) -> int:
    settings.MEDGEN_MAX_ACTIVE_JOBS_PER_USER = 2
    return 2


def test_it_429s_once_the_owner_has_the_most_active_jobs(api: Any, cap: int, make_job: Any) -> None:
    make_job(), make_job()

    response = api.post("/jobs", {"document": scenario_doc()})

    assert response.status_code == 429
    assert "2 jobs queued or running" in response.json()["detail"]
    assert 5 <= int(response["Retry-After"]) <= 600
    assert Job.objects.count() == 2


def test_it_counts_only_queued_and_running_jobs(api: Any, cap: int, make_job: Any) -> None:
    done, running = make_job(), make_job()
    Job.objects.filter(pk=done.pk).update(status=Job.Status.COMPLETED)
    Job.objects.filter(pk=running.pk).update(status=Job.Status.RUNNING, done=100, rate=20.0)

    assert api.post("/jobs", {"document": scenario_doc()}).status_code == 201
    refused = api.post("/jobs", {"document": scenario_doc()})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"  # (300 - 100) / 20 per second for the running one


def test_it_caps_reruns_too(api: Any, cap: int, make_job: Any) -> None:
    job = make_job()
    make_job()

    assert api.post(f"/jobs/{job.id}/rerun").status_code == 429


def test_it_caps_each_user_alone_and_not_staff(
    api: Any, cap: int, make_job: Any, bob_token: str, staff: Any, make_token: Any
) -> None:
    make_job(), make_job()

    assert api.post("/jobs", {"preset": "mascal-drill"}, token=bob_token).status_code == 201
    for _ in range(3):
        assert (
            api.post("/jobs", {"preset": "mascal-drill"}, token=make_token(staff)).status_code
            == 201
        )


def test_the_form_obeys_the_same_cap_with_a_clear_message(
    alice_client: Any, cap: int, make_job: Any
) -> None:
    make_job(), make_job()

    response = alice_client.post("/jobs/new/", post_data("mascal-drill"))

    assert response.status_code == 200
    assert "2 jobs queued or running" in response.content.decode()
    assert Job.objects.count() == 2
