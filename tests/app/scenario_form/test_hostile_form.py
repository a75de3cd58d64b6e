"""Hostile input through the new-job page: pasted JSON, an uploaded file and the form's
own fields. 1,000 generated documents per entry point go through the form the view
binds (`ScenarioForm`; about 2 ms each), and a sample of them through the whole page (a
rendered page costs about 100 ms): every answer is a page with messages (200) or a job
(302), never a 500, and a document with a poisoned value is refused with a message
naming that value's path."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.scenario_form.form import ScenarioForm
from tests import hostile

BASE = ScenarioForm.data_from_initial(ScenarioForm.initial_from_preset("battalion-exercise"))
PAGES = settings(hostile.FUZZ, max_examples=25)


def _upload(case: hostile.Case) -> dict[str, Any]:
    return {"scenario_file": SimpleUploadedFile("s.json", case.text.encode(), "application/json")}


def _messages(form: ScenarioForm) -> list[str]:
    errors = [str(m) for messages in form.errors.values() for m in messages]
    return errors + [str(m) for messages in form.section_errors.values() for m in messages]


def _check_form(form: ScenarioForm, case: hostile.Case, field: str) -> None:
    if form.is_valid():
        assert not case.poison
        return
    messages = _messages(form)
    assert messages and all(hostile.well_formed(message) for message in messages)
    assert form.errors.get(field), messages  # the problems are shown on the box
    if case.poison:
        assert any(hostile.names(message, case.poison) for message in messages), messages


@hostile.FUZZ
@given(case=hostile.cases())
def test_a_pasted_document_is_refused_with_messages_naming_the_field(case: hostile.Case) -> None:
    _check_form(ScenarioForm({**BASE, "scenario_json": case.text}), case, "scenario_json")


@hostile.FUZZ
@given(case=hostile.cases())
def test_an_uploaded_document_is_refused_with_messages_naming_the_field(
    case: hostile.Case,
) -> None:
    _check_form(ScenarioForm(BASE, _upload(case)), case, "scenario_file")


hostile_text = st.one_of(
    hostile.leaf.map(str),
    st.text(max_size=20).map(lambda text: text + "\x00"),
    st.integers(201, 300_000).map(lambda n: "N" * n),
    st.just("9" * 5000),
    st.sampled_from(["NaN", "Infinity", "-1e400", "1e400", "0x10", "١٢٣"]),
)
field_changes = st.dictionaries(st.sampled_from(sorted(BASE)), hostile_text, min_size=1, max_size=3)


@hostile.FUZZ
@given(changes=field_changes)
def test_typed_fields_are_refused_with_messages(changes: dict[str, str]) -> None:
    form = ScenarioForm({**BASE, **changes})
    if not form.is_valid():
        messages = _messages(form)
        assert messages and all(hostile.printable(message) for message in messages)


# -- the same through the page -----------------------------------------------------------


def _check_page(response: Any, case: hostile.Case | None) -> None:
    assert response.status_code in (200, 302)  # the test client raises on a 500
    if response.status_code == 200 and case and case.poison:
        assert case.poison in html.unescape(response.content.decode())


@pytest.mark.django_db
@PAGES
@given(case=hostile.cases())
def test_the_page_answers_pasted_documents(
    case: hostile.Case, alice_client: Any, redis_db: Any
) -> None:
    _check_page(alice_client.post("/jobs/new/", {**BASE, "scenario_json": case.text}), case)


@pytest.mark.django_db
@PAGES
@given(case=hostile.cases())
def test_the_page_answers_uploaded_documents(
    case: hostile.Case, alice_client: Any, redis_db: Any
) -> None:
    _check_page(alice_client.post("/jobs/new/", {**BASE, **_upload(case)}), case)


@pytest.mark.django_db
@PAGES
@given(changes=field_changes)
def test_the_page_answers_typed_fields(
    changes: dict[str, str], alice_client: Any, redis_db: Any
) -> None:
    _check_page(alice_client.post("/jobs/new/", {**BASE, **changes}), None)


@pytest.mark.django_db
def test_fifty_thousand_brackets_get_a_page_not_a_server_error(
    alice_client: Any, redis_db: Any
) -> None:
    text = "[" * 50_000 + "]" * 50_000
    response = alice_client.post("/jobs/new/", {**BASE, "scenario_json": text})

    assert response.status_code == 200
    assert "nested 50,000 levels deep" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_front_name_is_refused_at_the_field(alice_client: Any, redis_db: Any) -> None:
    document = hostile.base_document()
    document["fronts"][0]["name"] = "North\x00"
    response = alice_client.post("/jobs/new/", {**BASE, "scenario_json": hostile.to_text(document)})

    assert response.status_code == 200
    assert "fronts[0].name: the text contains a NUL character" in response.content.decode()
