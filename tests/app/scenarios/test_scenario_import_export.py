"""Exporting a saved scenario as JSON and importing a scenario file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import generation
from jobs.models import ScenarioConfig

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name: str = "scenario.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_it_round_trips_a_scenario_through_export_and_import(
    alice_client: Any, alice: Any, document: Any
) -> None:
    doc = generation.parse_scenario(document(total_patients=777)).to_dict()
    original = ScenarioConfig.objects.create(owner=alice, name="Exercise Alpha", document=doc)

    exported = alice_client.get(f"/scenarios/{original.pk}/export.json")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/json")
    assert exported["Content-Disposition"] == 'attachment; filename="exercise-alpha-v1.json"'

    response = alice_client.post(
        "/scenarios/import/", {"file": _upload(exported.content), "name": "Alpha again"}
    )

    imported = ScenarioConfig.objects.get(name="Alpha again")
    assert response.status_code == 302
    assert imported.document == original.document
    assert imported.owner == alice and imported.version == 1


def test_it_exports_an_older_version(alice_client: Any, alice: Any, document: Any) -> None:
    config = ScenarioConfig.objects.create(owner=alice, name="A", document=document())
    config.revise("A", "", document(total_patients=400))

    old = json.loads(alice_client.get(f"/scenarios/{config.pk}/export.json?version=1").content)

    assert old["total_patients"] == 300
    assert alice_client.get(f"/scenarios/{config.pk}/export.json?version=9").status_code == 404


def test_it_names_an_import_after_its_title(alice_client: Any, document: Any) -> None:
    content = json.dumps(document(title="Night raid")).encode()

    alice_client.post("/scenarios/import/", {"file": _upload(content)})
    alice_client.post("/scenarios/import/", {"file": _upload(content)})

    assert sorted(ScenarioConfig.objects.values_list("name", flat=True)) == [
        "Night raid",
        "Night raid (2)",
    ]


def test_it_shows_why_an_import_is_invalid(alice_client: Any, document: Any) -> None:
    bad = json.dumps(document(total_patients=0, days=-1)).encode()

    response = alice_client.post("/scenarios/import/", {"file": _upload(bad)})

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(error.startswith("total_patients:") for error in errors)
    assert any(error.startswith("days:") for error in errors)
    assert "total_patients:" in response.content.decode()
    assert not ScenarioConfig.objects.exists()


def test_it_says_when_a_file_is_not_json(alice_client: Any) -> None:
    response = alice_client.post("/scenarios/import/", {"file": _upload(b"{ nope")})

    assert response.status_code == 200
    assert "not valid JSON" in response.content.decode()
    assert not ScenarioConfig.objects.exists()
