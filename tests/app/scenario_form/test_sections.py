"""Every scenario key has a field: care, women's share, outcomes and clinical detail too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

import generation
from jobs.scenario_form import sections
from jobs.scenario_form.fields import FORM_KEYS, engine_defaults
from jobs.scenario_form.form import ScenarioForm


def post_data(**changes: Any) -> dict[str, Any]:
    return ScenarioForm.data_from_initial(ScenarioForm.initial_from_preset("mascal-drill")) | {
        **changes
    }


def bound(data: dict[str, Any]) -> ScenarioForm:
    form = ScenarioForm(data, None)
    form.is_valid()
    return form


def test_every_scenario_key_has_a_field() -> None:
    assert set(engine_defaults()) - FORM_KEYS == {"name", "description"}


def test_untouched_sections_give_the_engines_defaults() -> None:
    form = bound(ScenarioForm.data_from_initial({}))

    assert form.is_valid(), form.errors
    document = generation.normalise_scenario(form.scenario_document())
    for key in ("care", "demographics", "outcomes", "clinical_detail"):
        assert document[key] == engine_defaults()[key], key


def test_it_takes_changed_care_people_outcomes_and_clinical_detail() -> None:
    data = post_data(
        transit_poi_r1_urgent="5 20 40",
        holding_r2_routine="600 1200",
        care_roles=["R1", "R3", "R4"],
        female_share="12.5",
        kia_probability="20",
        mascal_kia_probability="30",
    )
    del data["clinical_detail"]  # an unticked box posts nothing

    form = bound(data)

    assert form.is_valid(), form.errors
    scenario = generation.parse_scenario(form.scenario_document())
    care = scenario.to_dict()["care"]
    assert care["roles"] == ["R1", "R3", "R4"]
    assert care["transit"]["POI-R1"]["urgent"] == [5, 20, 40]
    assert care["holding"]["R2"]["routine"] == [600, 900, 1200]
    assert scenario.female_share == 0.125
    assert (scenario.kia_probability, scenario.mascal_kia_probability) == (0.2, 0.3)
    assert scenario.clinical_detail is False


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ten minutes", "Enter two or three numbers of minutes"),
        ("10", "Enter two or three numbers of minutes"),
        ("10 20 30 40", "Enter two or three numbers of minutes"),
        ("-5 10", "Minutes must be between 0 and 86,400."),
    ],
)
def test_it_explains_a_bad_window_on_its_field(typed: str, message: str) -> None:
    form = bound(post_data(transit_r1_r2_priority=typed))

    assert message in str(form.errors["transit_r1_r2_priority"])


def test_engine_issues_about_these_keys_land_on_their_fields() -> None:
    form = bound(post_data(holding_r1_urgent="60 30 10", kia_probability="95"))

    assert form.errors["holding_r1_urgent"] == ["Role 1, urgent must satisfy min <= mode <= max."]
    assert "0.9" in form.errors["kia_probability"][0]


def test_a_document_with_care_overrides_fits_in_the_fields() -> None:
    document = generation.load_preset("drone-front")  # overrides some transit windows

    initial = ScenarioForm.initial_from_document(document)
    form = bound(ScenarioForm.data_from_initial(initial))

    assert initial["scenario_json"] == "" and form.kept_settings == []
    expected = generation.normalise_scenario(document)["care"]
    assert generation.normalise_scenario(form.scenario_document())["care"] == expected


def test_each_field_names_its_default_and_source() -> None:
    form = ScenarioForm()

    assert form.fields["transit_poi_r1_urgent"].help_text == "Default 10 30 75 (S6)."
    assert form.fields["transit_r1_r2_urgent"].help_text == (
        "Default 15 35 90 (estimate inside F4's windows)."
    )
    assert form.fields["holding_r3_routine"].help_text == (
        "Default 1440 2880 7200 (estimate, no sourced default: F19)."
    )
    assert form.fields["female_share"].help_text == "Default 8 % (S9: 2-10 %)."
    assert form.fields["kia_probability"].help_text == "Default 18 % (S5)."


def test_the_climate_is_left_to_the_engine_unless_chosen() -> None:
    arid = generation.load_preset("counter-insurgency")
    form = bound(ScenarioForm.data_from_initial(ScenarioForm.initial_from_document(arid)))
    assert form.is_valid(), form.errors
    assert "climate" not in form.scenario_document()  # the engine derives it: arid
    assert generation.normalise_scenario(form.scenario_document())["climate"] == "arid"
    chosen = ScenarioForm.data_from_initial(ScenarioForm.initial_from_document(arid))
    chosen.update(climate="tropical", cbrn_agent="anthrax")
    document = bound(chosen).scenario_document()
    assert (document["climate"], document["cbrn_agent"]) == ("tropical", "anthrax")


def test_engine_paths_and_fields_are_one_table() -> None:
    names = [setting.name for setting in sections.SETTINGS]
    assert len(names) == len(set(names)) == 1 + 16 + 12 + 1 + 2 + 1 + 2 + 1 + 9 + 32
    assert sections.FIELD_OF_PATH["care.transit.R3-R4.routine"] == "transit_r3_r4_routine"


@pytest.mark.django_db
def test_the_page_shows_the_sections_collapsed(alice_client: Client) -> None:
    page = alice_client.get("/jobs/new/").content.decode()

    for key in ("roles", "transit", "holding", "people", "outcomes", "clinical", "capacity"):
        tag = re.search(rf'<details class="section settings" id="settings-{key}"[^>]*>', page)
        assert tag and " open" not in tag.group(0), key
    assert 'name="transit_poi_r1_urgent" value="10 30 75"' in page
    assert 'name="clinical_detail"' in page and "checked" in page
