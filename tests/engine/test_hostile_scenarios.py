"""Hostile documents against the engine's own entry points: `parse_scenario` (what the API
and every other caller passes a dict to), `load_scenario_json` (JSON text) and the command
line (`manage.py generate --scenario FILE`). Each answers with ScenarioError or
CommandError naming the field, never another exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import generation
from generation import cli, validation
from tests import hostile


def _issues_of_dict(document: Any) -> list[str]:
    try:
        generation.parse_scenario(document)
    except generation.ScenarioError as error:
        return [str(issue) for issue in error.issues]
    return []


@hostile.FUZZ
@given(case=hostile.cases())
def test_parse_scenario_answers_every_document_with_issues_naming_the_field(
    case: hostile.Case,
) -> None:
    document = case.python_document()
    if document is None:
        return  # raw text: the JSON entry points below
    messages = _issues_of_dict(document)

    assert all(hostile.well_formed(message) for message in messages)
    if case.poison:
        assert any(hostile.names(message, case.poison) for message in messages), messages


@hostile.FUZZ
@given(case=hostile.cases())
def test_json_text_is_answered_with_issues_naming_the_field(case: hostile.Case) -> None:
    try:
        messages = _issues_of_dict(generation.load_scenario_json(case.text))
    except generation.ScenarioError as error:
        messages = [str(issue) for issue in error.issues]
        assert case.document is None or case.poison, messages  # only broken text fails here
        if case.document is None:
            assert len(messages) == 1 and hostile.well_formed(messages[0])

    assert all(hostile.well_formed(message) for message in messages)
    if case.poison:
        assert any(hostile.names(message, case.poison) for message in messages), messages


@hostile.FUZZ
@given(case=hostile.cases())
def test_the_command_line_reports_every_bad_file_with_status_2(
    case: hostile.Case, tmp_path: Path
) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(case.text, encoding="utf-8")
    options = {"preset": None, "scenario": path, "count": None, "no_clinical": False}
    try:
        cli._scenario(options)
    except cli.CommandError as error:
        assert error.code == 2
        assert hostile.well_formed(str(error).splitlines()[-1])
        if case.poison:
            assert hostile.names(str(error).split("\n  ", 1)[-1], case.poison) or any(
                hostile.names(line.strip(), case.poison) for line in str(error).splitlines()
            ), str(error)[:500]
    else:
        assert not case.poison


def test_fifty_thousand_brackets_are_one_clear_message() -> None:
    with pytest.raises(generation.ScenarioError, match="nested 50,000 levels deep"):
        generation.load_scenario_json("[" * 50_000 + "]" * 50_000)


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"title": "a\x00b"}, "title", "NUL character"),
        ({"description": "x" * 5001}, "description", "5,001 characters long; at most 5,000"),
        ({"title": "x" * 201}, "title", "at most 200"),
        (
            {"fronts": [{"name": "F" * 200_000, "share": 1, "nationalities": {"USA": 1}}]},
            "fronts[0].name",
            "200,000 characters long; at most 100",
        ),
        ({"seed": 10**5000}, "seed", "far too large a number (a number of about 5,000 digits)"),
        ({"title": "\ud800"}, "title", "unpaired surrogate"),
        ({"fronts": [{"n\x00": 1}]}, "fronts[0].n\\u0000", "NUL character"),
    ],
)
def test_text_and_numbers_that_cannot_be_stored_are_refused_with_their_path(
    document: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(generation.ScenarioError) as raised:
        generation.parse_scenario({"total_patients": 10, **document})

    assert any(issue.path == path and message in issue.message for issue in raised.value.issues)


def test_a_five_thousand_digit_number_in_json_text_is_named_by_its_path() -> None:
    with pytest.raises(generation.ScenarioError, match=r"total_patients: is far too large"):
        generation.parse_scenario(
            generation.load_scenario_json('{"total_patients": ' + "9" * 5000 + "}")
        )


def test_nan_and_infinity_are_refused_at_their_field() -> None:
    front = '{"name": "A", "share": NaN, "nationalities": {"USA": Infinity}}'
    text = '{"total_patients": 10, "fronts": [' + front + "]}"
    with pytest.raises(generation.ScenarioError) as raised:
        generation.parse_scenario(generation.load_scenario_json(text))

    paths = {issue.path for issue in raised.value.issues}
    assert {"fronts[0].share", "fronts[0].nationalities.USA"} <= paths


def test_the_depth_scan_ignores_brackets_inside_strings() -> None:
    text = '{"title": "' + "[" * 100 + '", "total_patients": 1}'
    assert validation.json_depth(text) == 1
    assert generation.load_scenario_json(text)["title"] == "[" * 100
