"""Hostile files through scenario import: 1,000 generated documents through the form the
view binds (`ImportForm`), a sample through the page. Never a 500; a poisoned value is
named by its path; nothing is saved from a refused file."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings

from jobs.scenarios.forms import ImportForm
from jobs.scenarios.models import ScenarioConfig
from tests import hostile

pytestmark = pytest.mark.django_db


def _file(case: hostile.Case) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("s.json", case.text.encode(), "application/json")}


@hostile.FUZZ
@given(case=hostile.cases())
def test_an_imported_file_is_refused_with_messages_naming_the_field(
    case: hostile.Case, alice: Any
) -> None:
    form = ImportForm({}, _file(case), owner=alice)
    if form.is_valid():
        assert not case.poison
        return
    messages = [str(m) for errors in form.errors.values() for m in errors]
    assert form.errors.get("file")
    assert all(hostile.well_formed(message) for message in messages)
    if case.poison:
        assert any(hostile.names(message, case.poison) for message in messages), messages


@settings(hostile.FUZZ, max_examples=25)
@given(case=hostile.cases())
def test_the_import_page_answers_every_file(
    case: hostile.Case, alice_client: Any, redis_db: Any
) -> None:
    before = ScenarioConfig.objects.count()
    response = alice_client.post("/scenarios/import/", _file(case))

    assert response.status_code in (200, 302)  # the test client raises on a 500
    if response.status_code == 200:
        assert ScenarioConfig.objects.count() == before
        if case.poison:
            assert case.poison in html.unescape(response.content.decode())


def test_a_nul_in_the_title_is_refused_not_a_server_error(alice_client: Any, redis_db: Any) -> None:
    document = hostile.base_document()
    document["title"] = "Exercise\x00"
    upload = SimpleUploadedFile("s.json", hostile.to_text(document).encode(), "application/json")
    response = alice_client.post("/scenarios/import/", {"file": upload})

    assert response.status_code == 200
    assert "title: the text contains a NUL character" in response.content.decode()
    assert not ScenarioConfig.objects.exists()
