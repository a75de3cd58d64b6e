"""Saved scenarios: kept from a job, offered on the new-job page, cached per user."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from jobs import scenarios
from jobs.models import SavedScenario

pytestmark = pytest.mark.django_db


def test_it_saves_a_jobs_scenario(alice_client: Any, alice: Any, make_job: Any) -> None:
    job = make_job(total_patients=321)

    response = alice_client.post(f"/jobs/{job.id}/save-scenario/", {"name": "Winter drill"})

    assert response.status_code == 302
    saved = SavedScenario.objects.get(owner=alice)
    assert (saved.name, saved.document) == ("Winter drill", job.scenario)


def test_it_fills_the_form_from_a_saved_scenario(
    alice_client: Any, alice: Any, document: Any
) -> None:
    saved = SavedScenario.objects.create(
        owner=alice, name="Mine", document=document(total_patients=654)
    )

    response = alice_client.get(f"/jobs/new/?scenario={saved.pk}")

    assert response.status_code == 200
    assert "654" in response.content.decode()


def test_it_keeps_bobs_scenarios_from_alice(alice_client: Any, bob: Any, document: Any) -> None:
    saved = SavedScenario.objects.create(owner=bob, name="Bob's", document=document())

    assert alice_client.get(f"/jobs/new/?scenario={saved.pk}").status_code == 404


def test_it_invalidates_the_cached_catalogue_on_save_and_delete(
    alice: Any, document: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert scenarios.saved_catalog(alice) == []
    assert cache.get(scenarios.catalog_key(alice.pk)) == []

    with django_capture_on_commit_callbacks(execute=True):
        saved = SavedScenario.objects.create(owner=alice, name="One", document=document())
    assert [s["name"] for s in scenarios.saved_catalog(alice)] == ["One"]

    with django_capture_on_commit_callbacks(execute=True):
        saved.delete()
    assert scenarios.saved_catalog(alice) == []
