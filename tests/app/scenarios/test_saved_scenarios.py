"""Saved scenarios: kept from a job, offered on the new-job page, cached per user."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from jobs.models import Job, ScenarioConfig
from jobs.scenarios import cached

pytestmark = pytest.mark.django_db


def test_it_saves_a_jobs_scenario(alice_client: Any, alice: Any, make_job: Any) -> None:
    job = make_job(total_patients=321)

    response = alice_client.post(f"/jobs/{job.id}/save-scenario/", {"name": "Winter drill"})

    assert response.status_code == 302
    saved = ScenarioConfig.objects.get(owner=alice)
    assert (saved.name, saved.document, saved.version) == ("Winter drill", job.scenario, 1)


def test_it_adds_a_version_when_saving_under_the_same_name(
    alice_client: Any, alice: Any, make_job: Any
) -> None:
    first, second = make_job(total_patients=321), make_job(total_patients=654)

    alice_client.post(f"/jobs/{first.id}/save-scenario/", {"name": "Drill"})
    alice_client.post(f"/jobs/{second.id}/save-scenario/", {"name": "Drill"})

    saved = ScenarioConfig.objects.get(owner=alice)
    assert saved.version == 2
    assert [v.document["total_patients"] for v in saved.versions.all()] == [654, 321]


def test_it_fills_the_form_from_a_saved_scenario(
    alice_client: Any, alice: Any, document: Any
) -> None:
    saved = ScenarioConfig.objects.create(
        owner=alice, name="Mine", document=document(total_patients=654)
    )

    response = alice_client.get(f"/jobs/new/?scenario={saved.pk}")

    assert response.status_code == 200
    body = response.content.decode()
    assert "654" in body
    assert f'name="scenario_version" value="{saved.current_version().pk}"' in body


def test_it_records_the_version_a_job_came_from(
    alice_client: Any, alice: Any, document: Any
) -> None:
    from jobs.scenario_form.form import ScenarioForm

    saved = ScenarioConfig.objects.create(owner=alice, name="Mine", document=document())
    data = ScenarioForm.data_from_initial(ScenarioForm.initial_from_document(saved.document))

    data["scenario_version"] = str(saved.current_version().pk)
    response = alice_client.post("/jobs/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    job = Job.objects.get()
    assert job.scenario_version == saved.current_version()


def test_it_keeps_bobs_scenarios_from_alice(alice_client: Any, bob: Any, document: Any) -> None:
    saved = ScenarioConfig.objects.create(owner=bob, name="Bob's", document=document())

    assert alice_client.get(f"/jobs/new/?scenario={saved.pk}").status_code == 404


def test_it_ignores_a_posted_version_of_bobs(alice_client: Any, bob: Any, document: Any) -> None:
    from jobs.scenario_form.form import ScenarioForm

    saved = ScenarioConfig.objects.create(owner=bob, name="Bob's", document=document())
    data = ScenarioForm.data_from_initial(ScenarioForm.initial_from_document(saved.document))

    data["scenario_version"] = str(saved.current_version().pk)
    alice_client.post("/jobs/new/", data)

    assert Job.objects.get().scenario_version is None


def test_it_invalidates_the_cached_catalogue_on_save_and_delete(
    alice: Any, document: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert cached.saved_catalog(alice) == []
    assert cache.get(cached.catalog_key(alice.pk), version=cached.CACHE_VERSION) == []

    with django_capture_on_commit_callbacks(execute=True):
        saved = ScenarioConfig.objects.create(owner=alice, name="One", document=document())
    assert [s["name"] for s in cached.saved_catalog(alice)] == ["One"]

    with django_capture_on_commit_callbacks(execute=True):
        saved.delete()
    assert cached.saved_catalog(alice) == []
