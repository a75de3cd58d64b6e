"""Saved scenario pages: create with the job form, edit into versions, history, clone,
delete, presets, and the rule that bob never sees alice's scenarios."""

from __future__ import annotations

from typing import Any

import pytest

import generation
from jobs.models import Job, ScenarioConfig
from jobs.runs.submit import submit_job
from jobs.scenario_form.form import ScenarioForm

pytestmark = pytest.mark.django_db


def _post_data(document: dict[str, Any], name: str, description: str = "") -> dict[str, Any]:
    data = ScenarioForm.data_from_initial(ScenarioForm.initial_from_document(document))
    return data | {"meta-name": name, "meta-description": description}


@pytest.fixture
def saved(alice: Any, document: Any) -> ScenarioConfig:
    return ScenarioConfig.objects.create(
        owner=alice, name="Winter drill", description="Cold", document=document()
    )


def test_it_creates_a_scenario_with_the_job_form(alice_client: Any, document: Any) -> None:
    page = alice_client.get("/scenarios/new/")
    assert page.status_code == 200
    assert 'id="scenario-form"' in page.content.decode()

    response = alice_client.post("/scenarios/new/", _post_data(document(), "Drill", "Notes"))

    config = ScenarioConfig.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/scenarios/{config.pk}/"
    assert (config.name, config.description, config.version) == ("Drill", "Notes", 1)
    assert config.document == generation.parse_scenario(document()).to_dict()


def test_it_shows_the_forms_errors(alice_client: Any, document: Any) -> None:
    response = alice_client.post("/scenarios/new/", _post_data(document(total_patients=0), ""))

    assert response.status_code == 200
    assert not ScenarioConfig.objects.exists()
    assert response.context["meta"].errors["name"]
    assert response.context["form"].errors


def test_it_rejects_a_name_alice_already_uses(
    alice_client: Any, saved: ScenarioConfig, document: Any
) -> None:
    response = alice_client.post("/scenarios/new/", _post_data(document(), saved.name))

    assert response.status_code == 200
    assert "already have a saved scenario" in response.content.decode()


def test_it_makes_a_version_per_edit_and_keeps_the_old_ones(
    alice_client: Any, saved: ScenarioConfig, document: Any
) -> None:
    assert alice_client.get(f"/scenarios/{saved.pk}/edit/").status_code == 200
    url = f"/scenarios/{saved.pk}/edit/"

    alice_client.post(url, _post_data(document(total_patients=500), "Winter drill", "Cold"))
    alice_client.post(url, _post_data(document(total_patients=500), "Winter drill", "Cold"))
    alice_client.post(url, _post_data(document(total_patients=500), "Winter drill 2", "Cold"))

    saved.refresh_from_db()
    assert saved.version == 3  # the second post changed nothing
    versions = list(saved.versions.values_list("version", "name", "document__total_patients"))
    assert versions == [
        (3, "Winter drill 2", 500),
        (2, "Winter drill", 500),
        (1, "Winter drill", 300),
    ]


def test_the_history_shows_what_changed(
    alice_client: Any, saved: ScenarioConfig, document: Any
) -> None:
    saved.revise(
        saved.name, "Colder", generation.parse_scenario(document(total_patients=500)).to_dict()
    )

    response = alice_client.get(f"/scenarios/{saved.pk}/history/")

    assert response.status_code == 200
    changes = {c.path: (c.before, c.after) for c in response.context["changes"]}
    assert changes == {
        "Saved description": ('"Cold"', '"Colder"'),
        "total_patients": ("300", "500"),
    }
    diff = response.context["diff"]
    assert ("remove", '-  "total_patients": 300,') in diff
    assert ("add", '+  "total_patients": 500,') in diff
    assert diff[0] == ("hunk", "--- version 1")
    older = alice_client.get(f"/scenarios/{saved.pk}/history/?a=2&b=1")
    assert [c.path for c in older.context["changes"]] == ["Saved description", "total_patients"]


def test_a_job_keeps_its_snapshot_when_its_scenario_is_edited(
    alice: Any, saved: ScenarioConfig, document: Any
) -> None:
    first = saved.current_version()
    job = submit_job(alice, saved.document, ["json"], scenario_version_id=first.pk)

    saved.revise(saved.name, "", generation.parse_scenario(document(total_patients=999)).to_dict())

    job.refresh_from_db()
    assert job.scenario["total_patients"] == 300
    assert job.scenario_version == first
    assert first.document["total_patients"] == 300
    assert saved.document["total_patients"] == 999


def test_a_job_keeps_its_snapshot_when_its_scenario_is_deleted(
    alice_client: Any, alice: Any, saved: ScenarioConfig
) -> None:
    job = submit_job(
        alice, saved.document, ["json"], scenario_version_id=saved.current_version().pk
    )

    response = alice_client.post(f"/scenarios/{saved.pk}/delete/")

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.scenario_version is None
    assert job.scenario["total_patients"] == 300


def test_it_clones_a_scenario(alice_client: Any, saved: ScenarioConfig) -> None:
    alice_client.post(f"/scenarios/{saved.pk}/clone/")
    alice_client.post(f"/scenarios/{saved.pk}/clone/")

    names = list(ScenarioConfig.objects.values_list("name", "version").order_by("pk"))
    assert names == [
        ("Winter drill", 1),
        ("Winter drill (copy)", 1),
        ("Winter drill (copy) (2)", 1),
    ]


def test_it_asks_before_deleting(alice_client: Any, saved: ScenarioConfig) -> None:
    assert alice_client.get(f"/scenarios/{saved.pk}/delete/").status_code == 200
    assert ScenarioConfig.objects.exists()

    alice_client.post(f"/scenarios/{saved.pk}/delete/")

    assert not ScenarioConfig.objects.exists()


def test_generate_opens_the_job_form_filled_from_the_scenario(
    alice_client: Any, saved: ScenarioConfig
) -> None:
    response = alice_client.get(f"/scenarios/{saved.pk}/generate/", follow=True)

    assert response.redirect_chain == [(f"/jobs/new/?scenario={saved.pk}", 302)]
    assert response.context["source"].version == 1


def test_it_lists_alices_scenarios_and_the_presets(
    alice_client: Any, saved: ScenarioConfig, bob: Any, document: Any
) -> None:
    ScenarioConfig.objects.create(owner=bob, name="Bob's secret", document=document())

    body = alice_client.get("/scenarios/").content.decode()

    assert "Winter drill" in body
    assert "Bob&#x27;s secret" not in body and "Bob's secret" not in body
    for preset in generation.preset_catalog():
        assert preset["title"] in body


def test_presets_are_read_only_and_can_be_cloned(alice_client: Any, alice: Any) -> None:
    assert alice_client.get("/scenarios/presets/mascal-drill/").status_code == 200
    assert alice_client.get("/scenarios/presets/no-such-preset/").status_code == 404
    assert alice_client.post("/scenarios/presets/mascal-drill/").status_code == 405

    alice_client.post("/scenarios/presets/mascal-drill/clone/")

    config = ScenarioConfig.objects.get(owner=alice)
    expected = generation.parse_scenario(generation.load_preset("mascal-drill")).to_dict()
    assert (config.name, config.document) == ("Mass-casualty drill", expected)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "edit/"),
        ("post", "edit/"),
        ("get", "history/"),
        ("post", "clone/"),
        ("get", "delete/"),
        ("post", "delete/"),
        ("get", "generate/"),
        ("get", "export.json"),
    ],
)
def test_bob_cannot_reach_alices_scenario(
    client: Any, bob: Any, saved: ScenarioConfig, method: str, path: str
) -> None:
    client.force_login(bob)

    response = getattr(client, method)(f"/scenarios/{saved.pk}/{path}")

    assert response.status_code == 404
    assert ScenarioConfig.objects.count() == 1
    assert ScenarioConfig.objects.get().version == 1
    assert not Job.objects.exists()


def test_it_needs_a_login(client: Any, saved: ScenarioConfig) -> None:
    response = client.get("/scenarios/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_scenario_page_offers_every_action(
    alice_client: Any, alice: Any, saved: ScenarioConfig
) -> None:
    submit_job(alice, saved.document, ["json"], scenario_version_id=saved.current_version().pk)

    body = alice_client.get(f"/scenarios/{saved.pk}/").content.decode()

    for path in ("generate/", "edit/", "history/", "export.json", "clone/", "delete/"):
        assert f"/scenarios/{saved.pk}/{path}" in body
    assert "Jobs from this scenario" in body
