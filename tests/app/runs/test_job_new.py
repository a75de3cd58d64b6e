"""The new-job view: renders the form with presets, creates and queues a job on POST.

The form's own validation is tested in test_form.py; this is the view around it.
"""

from __future__ import annotations

from typing import Any

import pytest

import generation
from jobs.models import Job
from jobs.scenario_form.form import ScenarioForm

pytestmark = pytest.mark.django_db


def _posted_preset(name: str) -> dict[str, Any]:
    return ScenarioForm.data_from_initial(ScenarioForm.initial_from_preset(name))


def test_it_renders_the_form_with_presets(alice_client: Any) -> None:
    response = alice_client.get("/jobs/new/")

    assert response.status_code == 200
    assert isinstance(response.context["form"], ScenarioForm)
    assert response.context["presets"] == generation.preset_catalog()


def test_it_fills_the_form_from_a_preset(alice_client: Any) -> None:
    response = alice_client.get("/jobs/new/?preset=battalion-exercise")

    assert response.context["form"].preset_name == "battalion-exercise"


def test_it_creates_a_job_and_queues_it_on_commit(
    alice_client: Any, alice: Any, django_capture_on_commit_callbacks: Any, redis_db: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = alice_client.post("/jobs/new/", _posted_preset("battalion-exercise"))

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.id}/"
    assert (job.owner, job.status, job.total) == (alice, Job.Status.QUEUED, 1440)
    assert generation.parse_scenario(job.scenario).total_patients == 1440
    assert len(callbacks) == 1
    assert redis_db.exists(f"rq:job:medgen-{job.id}-1")


def test_it_keeps_an_invalid_form_and_creates_nothing(alice_client: Any) -> None:
    data = _posted_preset("battalion-exercise") | {"total_patients": "0"}

    response = alice_client.post("/jobs/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Job.objects.exists()


def test_it_asks_anonymous_users_to_log_in(client: Any) -> None:
    assert client.get("/jobs/new/")["Location"] == "/accounts/login/?next=/jobs/new/"
