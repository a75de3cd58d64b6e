"""POST /scenarios/validate and the saved scenarios: list, create, read, update, history,
export, delete; presets: list and read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jobs.scenarios.models import ScenarioConfig
from tests.app.api.conftest import locs
from tests.conftest import scenario_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(alice: Any) -> ScenarioConfig:
    return ScenarioConfig.objects.create(owner=alice, name="Exercise", document=scenario_doc())


def test_it_validates_a_document_naming_every_problem(api: Any, alice_read_token: str) -> None:
    bad = scenario_doc(days=0, fronts=[{"name": "A", "share": 1, "nationalities": {"XYZ": 1}}])

    good = api.post("/scenarios/validate", {"document": scenario_doc()}).json()
    found = api.post("/scenarios/validate", {"document": bad}).json()

    assert good["valid"] and good["issues"] == [] and good["scenario"]["total_patients"] == 300
    assert not found["valid"] and found["scenario"] is None
    paths = {issue["path"] for issue in found["issues"]}
    assert {"days", "fronts[0].nationalities.XYZ"} <= paths
    assert ["body", "payload", "document"] in locs(api.post("/scenarios/validate", {"document": 3}))


def test_it_lists_and_reads_only_the_owners_scenarios(
    api: Any, saved: ScenarioConfig, bob: Any, bob_token: str
) -> None:
    ScenarioConfig.objects.create(owner=bob, name="Bob's", document=scenario_doc())

    listed = api.get("/scenarios").json()
    read = api.get(f"/scenarios/{saved.pk}").json()

    assert [s["name"] for s in listed] == ["Exercise"]
    assert read["document"] == saved.document and read["version"] == 1
    assert api.get(f"/scenarios/{saved.pk}", token=bob_token).status_code == 404


def test_it_creates_a_scenario_normalised(api: Any, alice: Any) -> None:
    response = api.post(
        "/scenarios", {"name": " Drill ", "description": "d", "document": scenario_doc()}
    )

    assert response.status_code == 201
    config = ScenarioConfig.objects.get(owner=alice)
    assert (config.name, config.version) == ("Drill", 1)
    assert response.json()["document"] == config.document


def test_it_rejects_bad_scenarios_with_paths(api: Any, saved: ScenarioConfig) -> None:
    bad = api.post("/scenarios", {"name": "B", "document": scenario_doc(days=99)})
    taken = api.post("/scenarios", {"name": "Exercise", "document": scenario_doc()})
    blank = api.post("/scenarios", {"name": "  ", "document": scenario_doc()})
    missing = api.post("/scenarios", {"document": scenario_doc()})

    assert locs(bad) == [["body", "payload", "document", "days"]]
    assert locs(taken) == [["body", "payload", "name"]]
    assert locs(blank) == [["body", "payload", "name"]]
    assert locs(missing) == [["body", "payload", "name"]]
    assert ScenarioConfig.objects.count() == 1


def test_it_updates_as_a_new_version_and_keeps_the_history(api: Any, saved: ScenarioConfig) -> None:
    changed = {"name": "Exercise", "description": "", "document": scenario_doc(days=5)}

    first = api.put(f"/scenarios/{saved.pk}", changed)
    again = api.put(f"/scenarios/{saved.pk}", changed)
    history = api.get(f"/scenarios/{saved.pk}/versions").json()

    assert first.status_code == 200 and first.json()["version"] == 2
    assert again.json()["version"] == 2  # nothing changed: no new version
    assert [v["version"] for v in history] == [2, 1]
    assert [v["document"]["days"] for v in history] == [5, 3]
    assert locs(api.put(f"/scenarios/{saved.pk}", {**changed, "document": {}})) == [
        ["body", "payload", "document", "total_patients"]
    ]


def test_it_exports_the_current_or_an_older_version(api: Any, saved: ScenarioConfig) -> None:
    saved.revise("Exercise", "", scenario_doc(days=6))

    current = api.get(f"/scenarios/{saved.pk}/export")
    first = api.get(f"/scenarios/{saved.pk}/export?version=1")

    assert current["Content-Disposition"] == 'attachment; filename="exercise-v2.json"'
    assert json.loads(current.content)["days"] == 6
    assert json.loads(first.content)["days"] == 3
    assert api.get(f"/scenarios/{saved.pk}/export?version=9").status_code == 404
    assert api.get(f"/scenarios/{saved.pk}/export?version=x").status_code == 422


def test_it_deletes_a_scenario(api: Any, saved: ScenarioConfig) -> None:
    assert api.delete(f"/scenarios/{saved.pk}").status_code == 204
    assert not ScenarioConfig.objects.exists()
    assert api.get(f"/scenarios/{saved.pk}").status_code == 404


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("put", "", {"name": "Mine now", "document": scenario_doc()}),
        ("get", "/versions", None),
        ("get", "/export", None),
        ("delete", "", None),
    ],
)
def test_it_404s_for_bob_on_alices_scenario(
    api: Any, saved: ScenarioConfig, bob_token: str, method: str, suffix: str, body: Any
) -> None:
    assert (
        api.call(method, f"/scenarios/{saved.pk}{suffix}", body, token=bob_token).status_code == 404
    )
    saved.refresh_from_db()
    assert (saved.name, saved.version) == ("Exercise", 1)


def test_it_lists_and_reads_presets(api: Any) -> None:
    listed = api.get("/presets").json()
    one = api.get("/presets/mascal-drill").json()

    assert "battalion-exercise" in {p["name"] for p in listed}
    assert one["name"] == "mascal-drill" and one["document"]["total_patients"] == 300
    assert api.get("/presets/no-such").status_code == 404


def test_it_refuses_nul_characters_the_database_cannot_store(
    api: Any, saved: ScenarioConfig
) -> None:
    # Found by schemathesis: PostgreSQL text and jsonb reject U+0000 (a 500 before).
    named = api.put(f"/scenarios/{saved.pk}", {"name": "a\x00", "document": scenario_doc()})
    inside = api.post("/scenarios", {"name": "b", "document": scenario_doc(title="x\x00")})
    as_key = api.post("/jobs", {"document": {**scenario_doc(), "\x00": 1}})

    assert locs(named) == [["body", "payload", "name"]]
    assert locs(inside) == [["body", "payload", "document"]]
    assert locs(as_key) == [["body", "payload", "document"]]
