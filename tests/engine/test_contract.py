"""The output contract: one canonical record, the same in every format, and the schemas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import generation
from generation.writers.formats import CSV_COLUMNS, FORMATS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def schema(name: str) -> dict[str, Any]:
    return json.loads((DOCS / name).read_text())


@pytest.fixture(scope="module")
def canonical() -> dict[str, Any]:
    """The first casualty of the battalion exercise at seed 1 evacuated to R4 on a 9-line
    request (so that every column has something to show)."""
    sc = generation.parse_scenario(generation.load_preset("battalion-exercise"))
    plan = generation.make_plan(sc, 1)
    return next(
        r
        for r in generation.generate_chunk(plan, 0, 200)
        if r["outcome"] == "EVACUATED" and r["medevac_requests"]
    )


def test_the_canonical_record_is_the_same_in_every_format(canonical: dict[str, Any]) -> None:
    as_json = json.loads(
        FORMATS["json"].header + FORMATS["json"].render([canonical]) + FORMATS["json"].footer
    )
    as_ndjson = [
        json.loads(line) for line in FORMATS["ndjson"].render([canonical]).decode().splitlines()
    ]
    rows = list(
        csv.DictReader(
            io.StringIO((FORMATS["csv"].header + FORMATS["csv"].render([canonical])).decode())
        )
    )
    assert as_json == as_ndjson == [canonical]
    assert len(rows) == 1 and tuple(rows[0]) == CSV_COLUMNS
    row = rows[0]
    for column in (
        "id",
        "nationality",
        "front",
        "sex",
        "birth_date",
        "blood_group",
        "service_number",
        "rank",
        "unit",
        "category",
        "warfare_type",
        "mechanism",
        "injury_time",
        "event_id",
        "triage",
        "precedence",
        "outcome",
        "outcome_facility",
        "outcome_time",
    ):
        assert row[column] == str(canonical[column]), column
    assert row["exercise"] == "true" and int(row["sequence"]) == canonical["sequence"]
    assert (row["given_name"], row["family_name"]) == (
        canonical["name"]["given"],
        canonical["name"]["family"],
    )
    assert row["condition_codes"].split("|") == [c["code"] for c in canonical["conditions"]]
    steps = [s.split(" ") for s in row["timeline"].split("|")]
    expected = [
        [s["time"], s["facility"], s["event"], *([s["triage"]] if "triage" in s else [])]
        for s in canonical["timeline"]
    ]
    assert steps == expected
    assert row["facilities"].split(">")[0] == "POI" and row["facilities"].endswith("R4")
    assert row["transport"] == canonical["transport"]
    assert row["treatments"].split("|")[0].split(" ")[2] == canonical["treatments"][0]["code"]
    assert row["vitals_at_injury"].startswith(f"HR {canonical['vitals'][0]['heart_rate']} ")
    assert row["handover"] == canonical["handovers"][-1]["text"]
    assert row["medevac_request"] == canonical["medevac_requests"][0]["text"]


def test_every_record_matches_the_patient_schema(default_run: list[dict[str, Any]]) -> None:
    validator = jsonschema.Draft202012Validator(schema("patient.schema.json"))
    for record in default_run[::7]:
        validator.validate(record)


def test_every_preset_matches_the_scenario_schema_and_validates() -> None:
    validator = jsonschema.Draft202012Validator(schema("scenario.schema.json"))
    assert len(generation.preset_names()) >= 8
    for name in generation.preset_names():
        document = generation.load_preset(name)
        validator.validate(document)
        scenario = generation.parse_scenario(document)
        validator.validate(scenario.to_dict())
        assert document["name"] == name


def test_the_csv_columns_are_documented() -> None:
    contract = (DOCS / "output-contract.md").read_text()
    for column in CSV_COLUMNS:
        assert f"`{column}`" in contract, column


def test_presets_generate() -> None:
    for name in generation.preset_names():
        document = generation.load_preset(name)
        document["total_patients"] = 200
        plan = generation.make_plan(generation.parse_scenario(document), 1)
        records = generation.generate_chunk(plan, 0, plan.total)
        assert len(records) == 200, name
