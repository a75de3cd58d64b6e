"""Casualty cards: a printable page of the job's patients, to the owner (and staff) only."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage

from jobs import cards
from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_job(completed_job: Any) -> Job:
    return completed_job(("ndjson", "csv"))


def _records(job: Job) -> list[dict[str, Any]]:
    name = job.outputs.get(name="patients.ndjson").file.name
    with default_storage.open(name, "rb") as handle:
        return [orjson.loads(line) for line in handle]


def _card_text(page: str, patient_id: str) -> str:
    """The visible text of one card, unescaped, whitespace collapsed."""
    match = re.search(rf'<article [^>]*id="card-{patient_id}".*?</article>', page, re.S)
    assert match, f"no card for {patient_id}"
    text = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", match.group(0), flags=re.S)
    return " ".join(html.unescape(text).split())


def _sequences(page: str) -> list[int]:
    return [int(s) for s in re.findall(r'data-sequence="(\d+)"', page)]


def test_it_shows_each_patients_card_with_every_field(alice_client: Any, done_job: Job) -> None:
    response = alice_client.get(f"/jobs/{done_job.id}/cards/")

    assert response.status_code == 200
    page = response.content.decode()
    records = _records(done_job)[: cards.CARDS_PER_PAGE]
    assert _sequences(page) == [r["sequence"] for r in records]
    for record in records:
        text = _card_text(page, record["id"])
        assert text.startswith("EXERCISE — SYNTHETIC")
        assert text.endswith("EXERCISE — SYNTHETIC · not a real patient")
        assert f"{record['name']['family'].upper()}, {record['name']['given']}" in text
        for field in ("id", "service_number", "rank", "nationality", "unit", "blood_group"):
            assert record[field] in text, field
        assert f"Triage {record['triage']}" in text
        assert f"Transport {record['transport'].capitalize()}" in text
        for condition in record["conditions"]:
            site = condition["body_site"]
            expected = f"{condition['display']} — {site['display']}" if site else ""
            assert (expected or condition["display"]) in text
        for treatment in record["treatments"]:
            assert f"{treatment['time'][8:10]} {treatment['time'][11:16]}Z" in text
            assert treatment["display"] in text


def test_it_names_the_casualty_type_and_precedence(done_job: Job) -> None:
    for record in _records(done_job):
        card = cards.card(record)

        expected = {"battle_injury": "WIA", "non_battle_injury": "DNBI", "disease": "DNBI"}
        kia = record["outcome"] == "KIA"
        assert card["casualty_type"] == ("KIA" if kia else expected[record["category"]])
        assert card["precedence"] == cards.PRECEDENCE_LABELS.get(record["precedence"], "—")
        assert card["precedence"] != "—" or kia


def test_it_draws_a_qr_code_of_the_patient_id(alice_client: Any, done_job: Job) -> None:
    record = _records(done_job)[0]
    page = alice_client.get(f"/jobs/{done_job.id}/cards/").content.decode()

    card = re.search(rf'id="card-{record["id"]}".*?</article>', page, re.S)
    assert card and cards.qr_svg(record["id"]) in card.group(0)
    assert cards.qr_svg(record["id"]) != cards.qr_svg(_records(done_job)[1]["id"])
    assert page.count("<svg") == cards.CARDS_PER_PAGE


def test_it_pages_through_48_cards_at_a_time(alice_client: Any, done_job: Job) -> None:
    second = alice_client.get(f"/jobs/{done_job.id}/cards/?page=2").content.decode()
    last = alice_client.get(f"/jobs/{done_job.id}/cards/?page=7").content.decode()
    beyond = alice_client.get(f"/jobs/{done_job.id}/cards/?page=99").content.decode()

    assert _sequences(second) == list(range(49, 97))
    assert 'href="?page=1"' in second and 'href="?page=3"' in second
    assert _sequences(last) == list(range(289, 301))
    assert "page 7 of 7" in last and 'rel="next"' not in last
    assert _sequences(beyond) == _sequences(last)


def test_it_shows_a_chosen_range(alice_client: Any, done_job: Job) -> None:
    response = alice_client.get(f"/jobs/{done_job.id}/cards/?from=100&to=110")
    wide = alice_client.get(f"/jobs/{done_job.id}/cards/?from=200&to=999&page=2")

    assert _sequences(response.content.decode()) == list(range(100, 111))
    page = wide.content.decode()
    assert _sequences(page) == list(range(248, 296))
    assert 'href="?from=200&amp;to=999&amp;page=1"' in page
    assert "Patients 248\u2013295 of 200\u2013300" in page


def test_it_rejects_a_bad_range(alice_client: Any, done_job: Job) -> None:
    backwards = alice_client.get(f"/jobs/{done_job.id}/cards/?from=20&to=10")
    garbage = alice_client.get(f"/jobs/{done_job.id}/cards/?from=abc")

    assert backwards.status_code == 400
    assert "must not be after" in backwards.content.decode()
    assert garbage.status_code == 400
    assert _sequences(garbage.content.decode()) == []


def test_it_reads_the_same_cards_from_json_and_csv(completed_job: Any, done_job: Job) -> None:
    # Same scenario document and seed, so the same patients in every format.
    other = completed_job(("json", "csv"))
    assert other.seed == done_job.seed
    by_source = {
        name: [cards.card(r) for r in cards.read_patients(job.outputs.get(name=name), 41, 60)]
        for job, name in (
            (done_job, "patients.ndjson"),
            (other, "patients.json"),
            (other, "patients.csv"),
        )
    }

    assert [c["sequence"] for c in by_source["patients.ndjson"]] == list(range(41, 61))
    assert by_source["patients.json"] == by_source["patients.ndjson"]
    assert by_source["patients.csv"] == by_source["patients.ndjson"]
    assert (
        cards.read_patients(other.outputs.get(name="patients.json"), 299, 400)[-1]["sequence"]
        == 300
    )


def test_it_renders_cards_from_csv_alone(alice_client: Any, completed_job: Any) -> None:
    job = completed_job(("csv",))

    page = alice_client.get(f"/jobs/{job.id}/cards/?from=5&to=6").content.decode()

    assert _sequences(page) == [5, 6]
    assert page.count("EXERCISE — SYNTHETIC ·") == 2


def test_it_prints_on_a4_without_navigation() -> None:
    css = Path(finders.find("css/cards.css")).read_text()  # type: ignore[arg-type]

    assert "@page { size: A4;" in css
    assert "break-inside: avoid" in css
    print_rules = css.split("@media print", 1)[1]
    assert ".site-header" in print_rules and ".no-print" in print_rules
    assert "display: none" in print_rules


def test_it_is_linked_from_the_job_page(alice_client: Any, done_job: Job) -> None:
    page = alice_client.get(f"/jobs/{done_job.id}/").content.decode()

    assert f'href="/jobs/{done_job.id}/cards/"' in page


def test_it_404s_for_bob(client: Any, bob: Any, done_job: Job) -> None:
    client.force_login(bob)

    assert client.get(f"/jobs/{done_job.id}/cards/").status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Any, done_job: Job) -> None:
    response = client.get(f"/jobs/{done_job.id}/cards/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_lets_staff_see_any_jobs_cards(client: Any, staff: Any, done_job: Job) -> None:
    client.force_login(staff)

    assert client.get(f"/jobs/{done_job.id}/cards/").status_code == 200


def test_it_404s_until_the_job_is_done(alice_client: Any, make_job: Any) -> None:
    queued = make_job()

    assert alice_client.get(f"/jobs/{queued.id}/cards/").status_code == 404


def test_it_shows_no_cards_past_the_last_patient(alice_client: Any, done_job: Job) -> None:
    response = alice_client.get(f"/jobs/{done_job.id}/cards/?from=301")

    assert response.status_code == 200
    assert _sequences(response.content.decode()) == []
    assert "No patients in this range." in response.content.decode()
