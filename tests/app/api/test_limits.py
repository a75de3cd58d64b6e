"""The cap on queued + running jobs per user: 429 + Retry-After by API, a form error on the page."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.runs.models import Job
from tests.app.scenario_form.test_form import post_data  # the page's form, as a person fills it
from tests.conftest import scenario_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(settings: Any) -> int:
    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 2
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
    assert refused["Retry-After"] == "60"  # jobs.runs.limits: try again in a minute


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

    assert response.status_code == 429  # the form again, with the reason
    assert "2 jobs queued or running" in response.content.decode()
    assert Job.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_cannot_both_pass_the_cap(
    alice: Any, settings: Any, monkeypatch: Any
) -> None:
    import threading
    import time

    from django.db import connection

    from jobs.runs import limits
    from jobs.runs.limits import LimitExceeded, check_can_submit
    from jobs.runs.submit import submit_job

    def slow_check(user: Any, total: int) -> None:
        check_can_submit(user, total)
        time.sleep(0.3)  # both would have counted 0 active jobs here, were it not for the lock

    monkeypatch.setattr(limits, "check_can_submit", slow_check)
    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 1
    start, outcomes = threading.Barrier(2), []

    def submit() -> None:
        start.wait()
        try:
            submit_job(alice, scenario_doc(), ["json"])
            outcomes.append("queued")
        except LimitExceeded:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["queued", "refused"]
    assert Job.objects.filter(owner=alice).count() == 1
