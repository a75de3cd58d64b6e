"""The results of a finished job, owner (and staff) only: the dashboard on the job page,
its figures as JSON and CSV, playback, the MSEL and the planning report."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest
from django.test import Client

from jobs.models import Job
from jobs.results import tables

pytestmark = pytest.mark.django_db

PATIENTS = 150


@pytest.fixture
def done_job(completed_job: Any) -> Job:
    return completed_job(("csv",), total_patients=PATIENTS)


def test_the_job_page_shows_the_dashboard_with_every_chart_and_its_numbers(
    alice_client: Client, done_job: Job
) -> None:
    page = alice_client.get(f"/jobs/{done_job.id}/").content.decode()
    assert 'id="dashboard"' in page and f"/jobs/{done_job.id}/figures.json" in page
    for chart in ("casualties", "flow", "load", "evacuation", "surgery", "care-times",
                  "body-sites", "conditions", "mechanisms", "triage", "nationality"):  # fmt: skip
        assert f'data-chart="{chart}"' in page
    assert page.count('class="chart-numbers"') >= 11
    assert "echarts.min.js" in page and "<script>" not in page  # no inline script


def test_figures_add_up_to_the_job(alice_client: Client, done_job: Job) -> None:
    response = alice_client.get(f"/jobs/{done_job.id}/figures.json")
    assert response.status_code == 200
    data = response.json()
    assert data["counts"]["total"] == PATIENTS
    hourly = data["timeline"]["hourly"]["by_category"]
    assert sum(sum(v) for v in hourly.values()) == PATIENTS
    assert (
        len(data["hour_labels"]) == data["hours"] and len(data["day_labels"]) * 24 == data["hours"]
    )
    assert {r["name"] for r in data["rates"]} >= {"kia_share", "case_fatality", "percent_dow"}
    assert all(r["source"].startswith("CALIBRATION.md") for r in data["rates"])


@pytest.mark.parametrize("name", sorted(tables.TABLES))
def test_every_chart_has_a_csv(alice_client: Client, done_job: Job, name: str) -> None:
    response = alice_client.get(f"/jobs/{done_job.id}/figures/{name}.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{name}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) > 1 and len({len(r) for r in rows}) == 1


def test_results_are_the_owners_only(client: Client, bob: Any, done_job: Job) -> None:
    client.force_login(bob)
    for path in ("figures.json", "figures/flow.csv", "playback/", "playback/state.json?minute=0",
                 "msel.csv", "msel.xlsx", "report/"):  # fmt: skip
        assert client.get(f"/jobs/{done_job.id}/{path}").status_code == 404, path


def test_an_unfinished_job_has_no_results(alice_client: Client, make_job: Any) -> None:
    job = make_job(total_patients=10)
    assert alice_client.get(f"/jobs/{job.id}/figures.json").status_code == 404
    assert alice_client.get(f"/jobs/{job.id}/report/").status_code == 404


def test_playback_answers_and_names_bad_parameters(alice_client: Client, done_job: Job) -> None:
    page = alice_client.get(f"/jobs/{done_job.id}/playback/").content.decode()
    assert 'id="playback-config"' in page and 'id="scrubber"' in page
    state = alice_client.get(f"/jobs/{done_job.id}/playback/state.json?minute=1500&window=90")
    assert state.status_code == 200
    body = state.json()
    assert body["present"] == sum(c["present"] for c in body["places"])
    assert len(body["listed"]) == min(body["present"], 100) and body["time"].endswith("+00:00")
    since = [c["since"] for c in body["listed"]]
    assert since == sorted(since, reverse=True)  # the latest to get where they are first
    assert body["dtg"].endswith("Z" + body["dtg"][-5:])  # e.g. 030100ZMAR26
    for query, field in (
        ("minute=soon", "minute"),
        ("", "minute"),
        ("minute=5&window=0", "window"),
    ):
        bad = alice_client.get(f"/jobs/{done_job.id}/playback/state.json?{query}")
        assert bad.status_code == 400 and bad.json()["error"].startswith(field)
    someone = body["listed"][0]["id"]
    card = alice_client.get(f"/jobs/{done_job.id}/playback/card.json?id={someone}&minute=1500")
    assert card.status_code == 200 and card.json()["id"] == someone
    missing = alice_client.get(f"/jobs/{done_job.id}/playback/card.json?minute=1500")
    assert missing.status_code == 400 and missing.json()["error"].startswith("id")
    unknown = alice_client.get(f"/jobs/{done_job.id}/playback/card.json?id=EX-X-1&minute=1")
    assert unknown.status_code == 404


def test_the_msel_has_one_row_per_casualty_in_time_order(
    alice_client: Client, done_job: Job
) -> None:
    response = alice_client.get(f"/jobs/{done_job.id}/msel.csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert len(rows) == PATIENTS
    assert [r["Serial"] for r in rows] == [str(n) for n in range(1, PATIENTS + 1)]
    times = [r["Time (scenario zone)"] for r in rows]
    assert times == sorted(times)
    assert all(r["Expected action"] and r["Role-player: behave"] for r in rows)
    response = alice_client.get(f"/jobs/{done_job.id}/msel.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = list(book["MSEL"].iter_rows(values_only=True))
    assert len(sheet) == PATIENTS + 1 and sheet[1][5] == rows[0]["Casualty"]
    assert alice_client.get(f"/jobs/{done_job.id}/msel.pdf").status_code == 404


def test_the_report_is_one_printable_page(alice_client: Client, done_job: Job) -> None:
    page = alice_client.get(f"/jobs/{done_job.id}/report/").content.decode()
    assert "Peak loads per role of care" in page and "EXERCISE" in page
    assert 'data-renderer="svg"' in page and "report.js" in page
    summary = json.loads(alice_client.get(f"/jobs/{done_job.id}/figures.json").content)
    assert str(summary["load"]["peaks"]["census"]["R1"]["value"]) in page
