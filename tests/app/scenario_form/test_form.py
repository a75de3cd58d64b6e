"""The "New job" scenario form: documents the engine accepts, errors where the user looks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import generation
from jobs.scenario_form.fields import parse_nationalities
from jobs.scenario_form.form import ENVIRONMENT, FORMATS, WARFARE_TYPES, ScenarioForm


def post_data(preset: str = "battalion-exercise", **changes: Any) -> dict[str, Any]:
    """What the browser posts for the form filled from `preset`, with `changes` typed in."""
    data = ScenarioForm.data_from_initial(ScenarioForm.initial_from_preset(preset))
    return data | changes


def bound(data: dict[str, Any], files: dict[str, Any] | None = None) -> ScenarioForm:
    form = ScenarioForm(data, files or {})
    form.is_valid()
    return form


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    return generation.parse_scenario(document).to_dict()


# -- valid input -----------------------------------------------------------------------


def test_it_builds_a_document_the_engine_accepts_from_the_defaults() -> None:
    form = bound(ScenarioForm.data_from_initial({}))

    assert form.is_valid(), form.errors
    document = form.scenario_document()
    scenario = generation.parse_scenario(document)
    assert scenario.total_patients == 1000
    assert document["fronts"] == [{"name": "Main", "share": 1, "nationalities": {"USA": 1}}]
    assert form.formats() == ("json", "csv")


@pytest.mark.parametrize("name", generation.preset_names())
def test_it_fills_every_preset_into_fields_that_give_back_the_same_scenario(name: str) -> None:
    initial = ScenarioForm.initial_from_preset(name)
    form = bound(ScenarioForm.data_from_initial(initial))

    assert initial["scenario_json"] == "", "every preset fits in the fields"
    assert form.is_valid(), (form.errors, form.front_formset.errors, form.section_errors)
    assert _same(normalised(form.scenario_document()), normalised(generation.load_preset(name)))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float):
        return a == pytest.approx(b)
    return bool(a == b)


def test_it_stores_percentages_as_fractions_and_keeps_the_typed_order() -> None:
    form = bound(post_data(**{"fronts-1-nationalities": "USA 25, POL 75"}))

    document = form.scenario_document()
    assert document["fronts"][1] == {
        "name": "Centre",
        "share": 0.35,
        "nationalities": {"USA": 0.25, "POL": 0.75},
        "area": {"latitude": 54.2, "longitude": 23.0, "radius_km": 25.0},  # kept from the preset
    }
    assert document["injury_mix"] == {
        "battle_injury": 0.55,
        "non_battle_injury": 0.15,
        "disease": 0.3,
    }
    assert document["warfare"] == {"conventional": 0.7, "artillery": 0.3}


def test_a_fronts_area_is_typed_as_three_numbers_and_checked_by_the_engine() -> None:
    form = bound(post_data(**{"fronts-0-area": "59.5, 24.7, 30 km"}))
    assert form.scenario_document()["fronts"][0]["area"] == {
        "latitude": 59.5,
        "longitude": 24.7,
        "radius_km": 30.0,
    }
    assert "area" not in bound(post_data(**{"fronts-0-area": ""})).scenario_document()["fronts"][0]
    wrong = bound(post_data(**{"fronts-0-area": "Tallinn"}))
    assert not wrong.is_valid() and "latitude, longitude and radius" in str(
        wrong.front_formset.errors
    )
    north_pole = bound(post_data(**{"fronts-0-area": "89, 0, 10"}))
    assert not north_pole.is_valid() and "Latitude must be between -78 and 82" in str(
        north_pole.front_formset.errors
    )


def test_it_turns_a_place_into_the_offset_in_force_on_the_start_date() -> None:
    summer = bound(post_data(start="2026-07-01T06:30", time_zone="Europe/Warsaw"))
    winter = bound(post_data(start="2026-01-10 06:30", time_zone="Europe/Warsaw"))

    assert summer.scenario_document()["start"] == "2026-07-01T06:30:00+02:00"
    assert winter.scenario_document()["start"] == "2026-01-10T06:30:00+01:00"


def test_it_passes_seed_title_and_environment_through() -> None:
    form = bound(post_data(seed="42", title="Ex STEEL", environment=["fog", "rain"]))

    document = form.scenario_document()
    assert (document["seed"], document["title"]) == (42, "Ex STEEL")
    assert document["environment"] == ["rain", "fog"]


@pytest.mark.parametrize("kind", [kind for kind, _ in WARFARE_TYPES])
def test_it_offers_only_warfare_types_the_engine_knows(kind: str) -> None:
    weights = {f"warfare_{other}": "" for other, _ in WARFARE_TYPES}
    form = bound(post_data(**(weights | {f"warfare_{kind}": "2"})))

    assert form.scenario_document()["warfare"] == {kind: 2}


def test_it_offers_only_conditions_and_formats_the_engine_knows() -> None:
    form = bound(post_data(environment=[name for name, _ in ENVIRONMENT]))

    assert form.is_valid(), form.errors
    assert {name for name, _ in FORMATS} <= set(generation.FORMATS)


def test_it_orders_the_chosen_formats() -> None:
    form = bound(post_data(output_formats=["ndjson", "json"]))

    assert form.formats() == ("json", "ndjson")


def test_it_reads_nationalities_in_several_spellings() -> None:
    assert parse_nationalities("pol 60; EST: 25 %\nFIN=15") == {"POL": 60, "EST": 25, "FIN": 15}
    assert parse_nationalities("DEU") == {"DEU": 100}


# -- invalid input: the error is on the field, in the user's words ---------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("total_patients", "0", "Total casualties must be between 1 and 2,000,000."),
        ("total_patients", "many", "Enter a whole number."),
        ("days", "61", "Days of fighting must be between 1 and 60."),
        ("start", "next Tuesday", "Enter the start as a date and time, e.g. 2026-03-02 06:00."),
        ("time_zone", "Mars/Olympus", "Choose a time zone or a UTC offset such as +02:00."),
        ("seed", "-1", "Use 0 or more."),
        ("warfare_urban", "-3", "Enter a number from 0 to 1,000,000."),
        ("intensity", "apocalyptic", None),
        ("output_formats", [], "Choose at least one output format."),
    ],
)
def test_it_reports_a_bad_value_next_to_its_field(
    field: str, value: Any, message: str | None
) -> None:
    form = bound(post_data(**{field: value}))

    assert not form.is_valid()
    assert set(form.errors) == {"__all__", field}
    if message:
        assert form.errors[field] == [message]
    assert form.non_field_errors() == ["Please fix the problem marked below."]


def test_it_keeps_what_was_typed() -> None:
    form = bound(post_data(total_patients="0", **{"fronts-2-name": "Sud"}))

    assert form["total_patients"].value() == "0"
    assert form.front_formset.forms[2]["name"].value() == "Sud"


def test_it_says_by_how_much_the_front_shares_are_off() -> None:
    form = bound(post_data(**{"fronts-0-share": "30"}))

    assert not form.is_valid()
    assert form.front_formset.non_form_errors() == [
        "Front shares add up to 90 %; they must add up to 100 %."
    ]


def test_it_checks_each_fronts_nationality_shares() -> None:
    form = bound(post_data(**{"fronts-2-nationalities": "POL 50, FIN 45"}))

    assert form.front_formset.forms[2].errors["nationalities"] == [
        "Nationality shares add up to 95 %; they must add up to 100 %."
    ]
    assert not form.front_formset.forms[0].errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("POL sixty", "“POL sixty” is not a nation code and a share; write e.g. POL 60."),
        ("POL 60, EST", "Give EST a share, e.g. EST 50."),
        ("POL 50, pol 50", "POL is listed twice."),
        ("", "List the nations on this front, e.g. POL 60, EST 40."),
    ],
)
def test_it_explains_how_to_write_nationalities(text: str, message: str) -> None:
    form = bound(post_data(**{"fronts-1-nationalities": text}))

    assert form.front_formset.forms[1].errors["nationalities"] == [message]


def test_it_points_an_unknown_nation_at_its_own_front() -> None:
    form = bound(post_data(**{"fronts-1-nationalities": "POL 80, XYZ 20"}))

    assert not form.is_valid()
    errors = form.front_formset.forms[1].errors["nationalities"]
    assert len(errors) == 1 and errors[0].startswith("XYZ is not a nation the generator knows")
    assert not form.front_formset.forms[0].errors and not form.front_formset.forms[2].errors


def test_it_shows_every_problem_in_one_submission() -> None:
    typed = {"fronts-0-share": "30", "fronts-1-nationalities": "POL 80, XYZ 15"}
    form = bound(post_data(injury_disease="20", **typed))

    assert form.front_formset.non_form_errors() == [
        "Front shares add up to 90 %; they must add up to 100 %."
    ]
    nationalities = form.front_formset.forms[1].errors["nationalities"]
    assert len(nationalities) == 2
    assert nationalities[0] == "Nationality shares add up to 95 %; they must add up to 100 %."
    assert nationalities[1].startswith("XYZ is not a nation the generator knows")
    assert form.section_errors["injury_mix"] == [
        "The injury mix shares add up to 90 %; they must add up to 100 %."
    ]


def test_it_checks_the_events_fit_even_with_a_row_half_filled() -> None:
    form = bound(
        post_data(total_patients="20", **{"events-TOTAL_FORMS": "3", "events-2-type": "ambush"})
    )

    assert form.event_formset.non_form_errors() == [
        "The smallest event sizes add up to 28, more than the 20 casualties in total."
    ]
    assert set(form.event_formset.forms[2].errors) == {"size_min", "size_max"}


def test_it_checks_the_injury_mix_adds_up() -> None:
    form = bound(post_data(injury_disease="20"))

    assert form.section_errors["injury_mix"] == [
        "The injury mix shares add up to 90 %; they must add up to 100 %."
    ]
    assert form.non_field_errors() == ["Please fix the problem marked below."]


def test_it_needs_one_warfare_type() -> None:
    form = bound(post_data(warfare_conventional="0", warfare_artillery=""))

    assert form.section_errors["warfare"] == ["Give at least one warfare type a weight."]


def test_it_checks_event_rows() -> None:
    form = bound(
        post_data(
            **{"events-0-day": "9", "events-1-size_min": "50", "events-1-size_max": "40"},
        )
    )
    first, second = form.event_formset.forms[:2]

    assert first.errors["day"] == ["Day 9 is after the last day of the scenario (8)."]
    assert second.errors["size_max"] == ["The largest size must be at least the smallest (50)."]


def test_it_asks_for_the_rest_of_a_half_filled_event_row() -> None:
    form = bound(post_data(**{"events-TOTAL_FORMS": "3", "events-2-type": "offensive"}))

    assert form.event_formset.forms[2].errors == {
        "size_min": ["Enter the smallest size."],
        "size_max": ["Enter the largest size."],
    }


def test_it_checks_the_events_fit_in_the_total() -> None:
    form = bound(post_data(total_patients="20"))

    assert form.event_formset.non_form_errors() == [
        "The smallest event sizes add up to 28, more than the 20 casualties in total."
    ]


def test_it_names_the_duplicate_front() -> None:
    form = bound(post_data(**{"fronts-2-name": "north"}))

    assert form.front_formset.forms[2].errors["name"] == [
        "Another front is already called “north”."
    ]


def test_it_places_engine_issues_by_their_path(monkeypatch: pytest.MonkeyPatch) -> None:
    issues = [
        generation.Issue("days", "must be between 1 and 5, got 8"),
        generation.Issue("warfare.artillery", "is too loud"),
        generation.Issue("injury_mix", "shares sum to 0.9, expected 1"),
        generation.Issue("special_events[1].size[0]", "must be a whole number"),
        generation.Issue("fronts[2].share", "must be a number"),
        generation.Issue("fronts", "front name 'North' is used twice"),
        generation.Issue("care.roles", "needs at least one of R1, R2, R3 in theatre"),
        generation.Issue("mystery", "is not a key the form knows"),
    ]

    def reject(document: dict[str, Any]) -> None:
        raise generation.ScenarioError(issues)

    monkeypatch.setattr(generation, "parse_scenario", reject)
    form = bound(post_data())

    assert form.errors["days"] == ["Days of fighting must be between 1 and 5, got 8."]
    assert form.errors["warfare_artillery"] == ["Artillery / indirect fire is too loud."]
    assert form.section_errors["injury_mix"] == ["Shares sum to 0.9, expected 1."]
    assert form.event_formset.forms[1].errors["size_min"] == [
        "Smallest size must be a whole number."
    ]
    assert form.front_formset.forms[2].errors["share"] == ["Share % must be a number."]
    assert form.front_formset.non_form_errors() == ["Fronts: front name 'North' is used twice."]
    assert form.errors["care_roles"] == [
        "Roles present needs at least one of R1, R2, R3 in theatre."
    ]
    assert "mystery: is not a key the form knows" in form.non_field_errors()


# -- formsets: rows added, removed, left blank ------------------------------------------


def test_it_takes_an_added_front_row() -> None:
    form = bound(
        post_data(
            **{
                "fronts-TOTAL_FORMS": "4",
                "fronts-0-share": "30",
                "fronts-3-name": "Reserve",
                "fronts-3-share": "10",
                "fronts-3-nationalities": "GBR",
            }
        )
    )

    fronts = form.scenario_document()["fronts"]
    assert [f["name"] for f in fronts] == ["North", "Centre", "South", "Reserve"]
    assert fronts[3] == {"name": "Reserve", "share": 0.1, "nationalities": {"GBR": 1}}


def test_it_drops_a_removed_row_and_ignores_blank_ones() -> None:
    form = bound(
        post_data(
            **{
                "events-0-DELETE": "on",
                "events-TOTAL_FORMS": "4",
                "fronts-2-DELETE": "on",
                "fronts-0-share": "65",
                "fronts-2-name": "",
            }
        )
    )

    document = form.scenario_document()
    assert [event["type"] for event in document["special_events"]] == ["mass_casualty"]
    assert [front["name"] for front in document["fronts"]] == ["North", "Centre"]


def test_it_needs_at_least_one_front() -> None:
    removed = {f"fronts-{i}-DELETE": "on" for i in range(3)}
    form = bound(post_data(**removed))

    assert form.front_formset.non_form_errors() == ["Add at least one front."]


# -- the advanced JSON box -------------------------------------------------------------


def test_it_takes_a_pasted_scenario_instead_of_the_fields() -> None:
    document = generation.load_preset("mascal-drill")
    form = bound(post_data(scenario_json=json.dumps(document), total_patients="nonsense"))

    assert form.is_valid(), form.errors
    assert form.scenario_document() == document


def test_it_takes_an_uploaded_scenario() -> None:
    document = generation.load_preset("peacekeeping")
    upload = SimpleUploadedFile("s.json", json.dumps(document).encode(), "application/json")
    form = bound(post_data(), {"scenario_file": upload})

    assert form.scenario_document() == document


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('{"total_patients": 10,', "This is not valid JSON: Expecting property name"),
        ("[1, 2]", "A scenario must be a JSON object"),
        ('{"total_patients": 0}', "total_patients: must be between 1 and 2,000,000"),
    ],
)
def test_it_reports_a_bad_pasted_scenario_on_the_box(text: str, start: str) -> None:
    form = bound(post_data(scenario_json=text))

    assert not form.is_valid()
    assert form.errors["scenario_json"][0].startswith(start)


def test_it_lists_every_engine_issue_of_a_pasted_scenario_with_its_path() -> None:
    document = generation.load_preset("battalion-exercise")
    document["fronts"][1]["nationalities"] = {"POL": 0.8, "XYZ": 0.2}
    document["injury_mix"]["disease"] = 0.2
    form = bound(post_data(scenario_json=json.dumps(document)))

    errors = form.errors["scenario_json"]
    assert any(e.startswith("fronts[1].nationalities.XYZ: unknown nation") for e in errors)
    assert any(e.startswith("injury_mix: shares sum to 0.9") for e in errors)


def test_it_reports_a_bad_upload_on_the_file_field() -> None:
    upload = SimpleUploadedFile("s.json", b"\xff\xfe not json", "application/json")
    form = bound(post_data(), {"scenario_file": upload})

    assert form.errors["scenario_file"] == ["The file is not UTF-8 text; upload a JSON file."]


def test_it_refuses_both_a_paste_and_an_upload() -> None:
    upload = SimpleUploadedFile("s.json", b"{}", "application/json")
    form = bound(post_data(scenario_json="{}"), {"scenario_file": upload})

    assert form.errors["scenario_json"] == ["Paste a scenario or upload a file, not both."]


# -- initial data: presets, run again ---------------------------------------------------


def test_it_fills_the_fields_from_a_preset() -> None:
    initial = ScenarioForm.initial_from_preset("battalion-exercise")

    assert initial["total_patients"] == 1440
    assert (initial["start"], initial["time_zone"]) == ("2026-05-04T05:00", "+03:00")
    assert initial["warfare_conventional"] == "0.7" and initial["warfare_urban"] == ""
    assert initial["fronts"][0] == {
        "name": "North",
        "share": "40",
        "nationalities": "EST 70, FIN 30",
        "area": "59.2, 26.9, 25",
    }
    assert initial["special_events"][1] == {
        "type": "mass_casualty",
        "day": None,
        "size_min": 20,
        "size_max": 40,
    }
    assert ScenarioForm(initial=initial).preset_name == "battalion-exercise"


def test_it_keeps_preset_settings_in_their_sections() -> None:
    form = bound(post_data("drone-front", total_patients="500"))

    assert form.kept_settings == []  # every key of the preset has a field now
    document = form.scenario_document()
    assert normalised(document)["care"] == normalised(generation.load_preset("drone-front"))["care"]
    assert document["total_patients"] == 500


def test_it_gives_the_defaults_for_an_unknown_preset() -> None:
    assert ScenarioForm.initial_from_preset("no-such")["total_patients"] == 1000


def test_it_runs_a_stored_scenario_again() -> None:
    first = bound(post_data(seed="7", **{"fronts-0-nationalities": "EST 100"}))
    stored = first.scenario_document()

    again = bound(ScenarioForm.data_from_initial(ScenarioForm.initial_from_document(stored)))

    assert again.scenario_document() == stored


def test_it_runs_a_stored_snapshot_again_without_carrying_engine_defaults() -> None:
    snapshot = normalised(generation.load_preset("battalion-exercise"))

    initial = ScenarioForm.initial_from_document(snapshot)
    again = bound(ScenarioForm.data_from_initial(initial))

    assert (initial["scenario_json"], again.kept_settings) == ("", [])
    assert _same(normalised(again.scenario_document()), snapshot)


def test_it_puts_a_scenario_the_fields_cannot_hold_into_the_json_box() -> None:
    document = generation.load_preset("mascal-drill")
    document["fronts"] = [
        {"name": "A", "share": 0.333333333, "nationalities": {"DEU": 1}},
        {"name": "B", "share": 0.666666667, "nationalities": {"NLD": 1}},
    ]

    initial = ScenarioForm.initial_from_document(document)

    assert json.loads(initial["scenario_json"]) == document
    assert bound(ScenarioForm.data_from_initial(initial)).scenario_document() == document


def test_it_embeds_every_preset_for_instant_filling() -> None:
    data = ScenarioForm().preset_data

    assert sorted(data) == sorted(generation.preset_names())
    json.dumps(data)


# -- the page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_renders_the_page_filled_from_a_preset(alice_client: Client) -> None:
    page = alice_client.get("/jobs/new/", {"preset": "battalion-exercise"}).content.decode()

    assert 'id="preset-data"' in page and 'id="scenario-form"' in page
    assert 'value="North"' in page and 'value="EST 70, FIN 30"' in page
    assert '<option value="battalion-exercise" data-description=' in page
    assert 'id="fronts-template"' in page and "fronts-__prefix__-name" in page


@pytest.mark.django_db
def test_it_shows_errors_on_the_page_and_keeps_the_input(alice_client: Client) -> None:
    response = alice_client.post("/jobs/new/", post_data(**{"fronts-0-share": "30"}))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Front shares add up to 90 %; they must add up to 100 %." in page
    assert 'name="fronts-0-share" value="30"' in page
