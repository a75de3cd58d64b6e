"""The "Capacity of care" section: the whole `capacity` document as fields, round trip."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

import generation
from jobs.scenario_form import sections
from jobs.scenario_form.form import ScenarioForm

CAPACITY_PRESETS = ("mascal-drill", "artillery-high-intensity", "role2-overwhelmed")


def data_for(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    initial = ScenarioForm.initial_from_document(document)
    return ScenarioForm.data_from_initial(initial) | changes


def submitted(data: dict[str, Any]) -> ScenarioForm:
    form = ScenarioForm(data, None)
    form.is_valid()
    return form


def plain() -> dict[str, Any]:
    document = generation.load_preset("battalion-exercise")
    assert "capacity" not in document
    return document


@pytest.mark.parametrize("name", CAPACITY_PRESETS)
def test_a_preset_with_capacity_comes_back_unchanged(name: str) -> None:
    document = generation.load_preset(name)
    initial = ScenarioForm.initial_from_document(document)

    form = submitted(ScenarioForm.data_from_initial(initial))

    assert initial["scenario_json"] == "" and "capacity" not in initial["extra_json"]
    assert form.is_valid(), form.errors
    assert form.scenario_document()["capacity"] == document["capacity"]


def test_without_capacity_the_document_has_no_capacity_key() -> None:
    form = submitted(data_for(plain()))

    assert form.is_valid(), form.errors
    assert "capacity" not in form.scenario_document()
    assert form.scenario().capacity is None


def test_unlimited_and_settings_that_limit_nothing_leave_capacity_out() -> None:
    form = submitted(
        data_for(
            plain() | {"capacity": "unlimited"},
            capacity_beds_r1="unlimited",
            capacity_case_minutes_r2="90",  # a time without a team limits nothing
            capacity_scope="front",
        )
    )

    assert form.is_valid(), form.errors
    assert "capacity" not in form.scenario_document()


def test_every_capacity_key_can_be_set() -> None:
    form = submitted(
        data_for(
            plain(),
            capacity_scope="front",
            capacity_beds_r1="40",
            capacity_beds_r2="20",
            capacity_beds_r3="150",
            capacity_teams_r1="3",
            capacity_teams_r2="1",
            capacity_teams_r3="4",
            capacity_case_minutes_r1="25",
            capacity_case_minutes_r2="100.5",
            capacity_case_minutes_r3="160",
            lift_poi_r1_ground_vehicles="8",
            lift_poi_r1_air_vehicles="1",
            lift_r3_r4_ground_vehicles="2",
            lift_r3_r4_ground_patients_per_trip="6",
            lift_r3_r4_ground_turnaround_minutes="600",
            lift_r3_r4_air_vehicles="1",
            lift_r3_r4_air_precedences=["urgent", "priority"],
        )
    )

    assert form.is_valid(), form.errors
    assert form.scenario_document()["capacity"] == {
        "scope": "front",
        "beds": {"R1": 40, "R2": 20, "R3": 150},
        "teams": {"R1": 3, "R2": 1, "R3": 4},
        "case_minutes": {"R1": 25, "R2": 100.5, "R3": 160},
        "lift": {
            "POI-R1": {"ground": {"vehicles": 8}, "air": {"vehicles": 1}},
            "R3-R4": {
                "ground": {"vehicles": 2, "patients_per_trip": 6, "turnaround_minutes": 600},
                "air": {"vehicles": 1, "precedences": ["urgent", "priority"]},
            },
        },
    }
    capacity = form.scenario().capacity
    assert capacity is not None and capacity.scope == "front"
    (leg, (ground, air)) = capacity.lift[1]
    assert (leg, ground.patients_per_trip, air.precedences) == ("R3-R4", 6, ("urgent", "priority"))


def test_a_changed_preset_capacity_is_taken() -> None:
    document = generation.load_preset("mascal-drill")
    form = submitted(data_for(document, capacity_beds_r2="12", lift_r1_r2_air_vehicles=""))

    assert form.is_valid(), form.errors
    capacity = form.scenario_document()["capacity"]
    assert capacity["beds"]["R2"] == 12
    assert capacity["lift"]["R1-R2"] == {"ground": {"vehicles": 4}}


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("capacity_beds_r2", "0", "Enter a whole number from 1 to 100,000, or leave it empty."),
        ("capacity_teams_r3", "2.5", "Enter a whole number from 1 to 100,000, or leave it empty."),
        ("capacity_beds_r1", "lots", "Enter a whole number from 1 to 100,000, or leave it empty."),
        ("lift_r2_r3_ground_vehicles", "100001", "Enter a whole number from 1 to 100,000"),
        ("capacity_case_minutes_r1", "0", "Enter minutes above 0 and at most 86,400"),
        ("lift_poi_r1_air_turnaround_minutes", "-3", "Enter minutes above 0 and at most 86,400"),
        ("capacity_beds_r1", "1" + "0" * 60, "Enter a whole number from 1 to 100,000"),
        ("capacity_case_minutes_r2", "6\x000", "Enter minutes above 0 and at most 86,400"),
        ("lift_r1_r2_air_patients_per_trip", "Infinity", "Enter a whole number from 1"),
    ],
)
def test_a_bad_value_is_explained_on_its_field(field: str, typed: str, message: str) -> None:
    form = submitted(data_for(generation.load_preset("mascal-drill"), **{field: typed}))

    assert not form.is_valid()
    assert message in str(form.errors[field])


def test_engine_issues_about_lift_land_on_the_fields() -> None:
    only_air = data_for(plain(), lift_r1_r2_air_vehicles="2")
    form = submitted(only_air)
    assert not form.is_valid()
    assert form.errors["lift_r1_r2_ground_vehicles"] == [
        "No mode carries priority casualties; add one that does.",
        "No mode carries routine casualties; add one that does.",
    ]

    no_vehicles = submitted(data_for(plain(), lift_r2_r3_ground_patients_per_trip="3"))
    assert not no_vehicles.is_valid()
    assert "is required" in str(no_vehicles.errors["lift_r2_r3_ground_vehicles"])

    none_ticked = data_for(plain(), lift_poi_r1_ground_vehicles="3")
    none_ticked.pop("lift_poi_r1_ground_precedences")
    form = submitted(none_ticked)
    assert not form.is_valid()
    assert "non-empty list" in str(form.errors["lift_poi_r1_ground_precedences"])


def test_fields_show_defaults_and_their_sources() -> None:
    fields = ScenarioForm().fields

    assert fields["capacity_beds_r2"].help_text == "Empty: unlimited."
    assert fields["capacity_case_minutes_r2"].help_text == "Empty: default 120 (estimate)."
    assert fields["lift_r1_r2_ground_patients_per_trip"].help_text == (
        "Empty: default 4 (FM 4-02.2)."
    )
    assert fields["lift_r1_r2_air_turnaround_minutes"].help_text == (
        "Empty: default 75 (estimate)."
    )
    assert fields["lift_r1_r2_air_precedences"].help_text == (
        "Default: urgent, urgent surgical (estimate)."
    )
    assert fields["capacity_scope"].help_text == "Default: the whole theatre."


def test_every_capacity_path_has_one_field() -> None:
    paths = {s.path for s in sections.SETTINGS if s.path[0] == "capacity"}
    # scope, beds and teams and case minutes for R1-R3, 4 legs x 2 modes x 4 keys
    assert len(paths) == 1 + 3 * 3 + 4 * 2 * 4
    assert sections.FIELD_OF_PATH["capacity.lift.R3-R4.air.precedences"] == (
        "lift_r3_r4_air_precedences"
    )


@pytest.mark.django_db
def test_the_page_shows_capacity_collapsed_and_filled_from_a_preset(alice_client: Client) -> None:
    page = alice_client.get("/jobs/new/?preset=mascal-drill").content.decode()

    tag = re.search(r'<details class="section settings" id="settings-capacity"[^>]*>', page)
    assert tag and " open" not in tag.group(0)
    assert re.search(r'name="capacity_beds_r2"[^>]*value="30"', page)
    assert "Capacity of care" in page and "Lift Role 1 → Role 2: helicopters" in page
