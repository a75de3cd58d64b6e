"""Casualty cards: a printable page of the job's patients, to the owner (and staff) only."""

from __future__ import annotations

import html
import io
import random
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.contrib.staticfiles import finders
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

from generation.writers.formats import card_record
from jobs.models import Job
from jobs.results import cards, line_seek

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_job(completed_job: Any) -> Job:
    return completed_job(("ndjson", "csv"))


def _records(job: Job) -> list[dict[str, Any]]:
    name = job.outputs.get(name="patients.ndjson").file.name
    with default_storage.open(name, "rb") as handle:
        return [orjson.loads(line) for line in handle]


MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def dtg(stamp: str) -> str:
    """An ISO 8601 UTC time as the card's date-time group: 020625ZMAR26."""
    month = MONTHS[int(stamp[5:7]) - 1]
    return f"{stamp[8:10]}{stamp[11:13]}{stamp[14:16]}Z{month}{stamp[2:4]}"


def _card_text(page: str, patient_id: str) -> str:
    """The visible text of one card, unescaped, whitespace collapsed."""
    match = re.search(rf'<article [^>]*id="card-{patient_id}".*?</article>', page, re.S)
    assert match, f"no card for {patient_id}"
    text = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", match.group(0), flags=re.S)
    return " ".join(html.unescape(text).split())


def _card_file(job: Job) -> str:
    return job.attempt_prefix(job.attempt) + "cards.ndjson"


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
            assert dtg(treatment["time"]) in text
            assert treatment["display"] in text
            if "medication" in treatment:  # the drug given, by name
                assert f"{treatment['display']}: {treatment['medication']['display']}" in text


def test_a_drug_administration_shows_its_drug_from_the_record_and_the_card_line() -> None:
    entry = {
        "time": "2026-05-04T02:54:21Z",
        "facility": "POI",
        "code": "386358000",
        "display": "Administration of drug or medicament via intravenous route",
        "medication": {"code": "386960009", "display": "Tranexamic acid"},
    }
    base = {"id": "EX-1", "sequence": 1, "name": {"family": "Nowak", "given": "Jan"}}
    line = card_record({**base, "conditions": [], "treatments": [entry]})["treatments"][0]
    shown = "Administration of drug or medicament via intravenous route: Tranexamic acid"
    for treatment in (entry, line):
        record = {**base, "injury_time": entry["time"], "conditions": [], "treatments": [treatment]}
        assert cards.card(record)["treatments"][0]["display"] == shown


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


def test_cards_are_the_same_whatever_the_formats(completed_job: Any, done_job: Job) -> None:
    # Same scenario document and seed, so the same patients, whatever files were asked for.
    records = _records(done_job)
    expected = [cards.card(r) for r in records[40:60]]

    for formats in (("json",), ("csv",), ("fhir",)):
        job = completed_job(formats)
        assert job.seed == done_job.seed
        found = [cards.card(r) for r in cards.read_patients(_card_file(job), 41, 60)]
        assert found == expected, formats
    assert [c["sequence"] for c in expected] == list(range(41, 61))


def test_the_card_file_is_not_a_download(done_job: Job) -> None:
    names = set(done_job.outputs.values_list("name", flat=True))

    assert {"patients.ndjson", "patients.csv", "manifest.json"} <= names
    with default_storage.open(done_job.outputs.get(name="manifest.json").file.name) as handle:
        listed = {f["name"] for f in orjson.loads(handle.read())["files"]}
    assert {"patients.ndjson", "patients.csv"} <= listed
    assert "cards.ndjson" not in names | listed


def test_a_job_without_a_card_file_says_why(alice_client: Any, done_job: Job) -> None:
    default_storage.delete(_card_file(done_job))  # as for a job run before the file existed

    response = alice_client.get(f"/jobs/{done_job.id}/cards/")

    assert response.status_code == 404


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


# Seeking to a page: the right patients, without reading the file from its start.


class CountingFile(io.FileIO):
    """A local file that counts what is read from disk (the buffer above it reads here)."""

    def __init__(self, path: str, reads: Reads) -> None:
        super().__init__(path, "r")
        self.reads = reads

    def readinto(self, buffer: Any) -> int | None:
        count = super().readinto(buffer)
        self.reads.calls += 1
        self.reads.bytes += count or 0
        return count


class Reads:
    """Bytes and read calls that storage files made, since the last `reset()`."""

    def __init__(self) -> None:
        self.bytes = self.calls = 0
        self.seekable = True

    def reset(self) -> None:
        self.bytes = self.calls = 0


class UnseekableFile(CountingFile):
    def seekable(self) -> bool:
        return False


@pytest.fixture
def disk_reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    """Every file opened through FileSystemStorage counts its reads into the result."""
    reads = Reads()

    def counted_open(storage: FileSystemStorage, name: str, mode: str = "rb") -> File:
        kind = CountingFile if reads.seekable else UnseekableFile
        return File(io.BufferedReader(kind(storage.path(name), reads)), name)

    monkeypatch.setattr(FileSystemStorage, "_open", counted_open)
    return reads


def _line_offsets(name: str) -> list[int]:
    """Byte offset of every line start of a stored file, and its length at the end."""
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    return [0, *(match.end() for match in re.finditer(b"\n", data))]


def _page_cost(name: str, first: int, last: int) -> tuple[int, int]:
    """(bytes before patient `first`, bytes of patients first..last) in a card file."""
    offsets = _line_offsets(name)
    start = offsets[first - 1]
    return start, offsets[last] - start


@pytest.fixture
def big_job(completed_job: Any) -> Job:
    # Big enough (~1.4 MB of card lines) that reading up to a late page would dwarf it.
    return completed_job(("csv",), total_patients=2000)


def test_a_late_page_is_reached_without_reading_the_file_from_its_start(
    alice_client: Any, big_job: Job, disk_reads: Reads
) -> None:
    before, page_bytes = _page_cost(_card_file(big_job), 1873, 1920)
    disk_reads.reset()

    page = alice_client.get(f"/jobs/{big_job.id}/cards/?page=40").content.decode()

    assert _sequences(page) == list(range(1873, 1921))
    assert "page 40 of 42" in page
    # The old way read all `before` bytes; a seek reads the page and a few probes.
    assert disk_reads.bytes - page_bytes < before / 10
    assert disk_reads.calls < 60


def test_the_card_file_is_sought_to_the_range(big_job: Job, disk_reads: Reads) -> None:
    name = _card_file(big_job)
    for first, last in ((1, 48), (977, 1024), (1953, 2000), (2000, 2000)):
        before, page_bytes = _page_cost(name, first, last)
        disk_reads.reset()

        records = cards.read_patients(name, first, last)

        assert [r["sequence"] for r in records] == list(range(first, last + 1)), first
        assert records[0]["id"].endswith(f"-{first:07d}"), first
        extra = disk_reads.bytes - page_bytes
        assert extra < max(before / 10, 160 * 1024), (first, extra, before)


def test_a_range_past_the_last_patient_stops_at_the_last(big_job: Job) -> None:
    name = _card_file(big_job)

    assert [r["sequence"] for r in cards.read_patients(name, 1990, 2100)] == list(range(1990, 2001))
    assert cards.read_patients(name, 2001, 2100) == []


def test_a_range_spans_pages_and_keeps_its_edges(alice_client: Any, done_job: Job) -> None:
    url = f"/jobs/{done_job.id}/cards/?from=40&to=140"
    pages = [alice_client.get(f"{url}&page={n}").content.decode() for n in (1, 2, 3)]

    assert [_sequences(page) for page in pages] == [
        list(range(40, 88)),
        list(range(88, 136)),
        list(range(136, 141)),
    ]
    assert "page 3 of 3" in pages[2]


def test_first_and_last_patients_are_found(alice_client: Any, completed_job: Any) -> None:
    job = completed_job(("json",))
    expected = {
        "": range(1, 49),
        "?page=6": range(241, 289),
        "?page=7": range(289, 301),
        "?from=1&to=1": range(1, 2),
        "?from=300": range(300, 301),
        "?from=48&to=49": range(48, 50),
    }

    for query, sequences in expected.items():
        page = alice_client.get(f"/jobs/{job.id}/cards/{query}").content.decode()

        assert _sequences(page) == list(sequences), query


def test_a_stream_that_cannot_seek_is_read_from_its_start(
    alice_client: Any, done_job: Job, disk_reads: Reads
) -> None:
    disk_reads.seekable = False

    page = alice_client.get(f"/jobs/{done_job.id}/cards/?page=6").content.decode()

    assert _sequences(page) == list(range(241, 289))
    assert disk_reads.bytes >= _page_cost(_card_file(done_job), 241, 288)[0]


@pytest.mark.parametrize("window", [1, 50, 4096, line_seek.SCAN_WINDOW])
def test_seek_sequence_finds_every_line(window: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Lines of very different lengths (some longer than the scan window), after a header
    # and before a closing line, as in patients.json.
    monkeypatch.setattr(line_seek, "SCAN_WINDOW", window)
    rng = random.Random(7)
    lines = [f"{n} {'x' * rng.choice((0, 3, 40, 700, 9000))}\n".encode() for n in range(1, 201)]
    data = b"[\n" + b"".join(lines) + b"]\n"
    starts = [2 + sum(map(len, lines[:i])) for i in range(len(lines))]
    end_of_records = len(data) - 2

    def sequence_of(line: bytes) -> int | None:
        return None if line.startswith(b"]") else int(line.split()[0])

    for target in range(0, 203):
        handle = io.BytesIO(data)
        found = line_seek.seek_sequence(handle, 2, len(data), target, sequence_of)

        expected = starts[max(target, 1) - 1] if target <= 200 else end_of_records
        assert found == expected == handle.tell(), target


# FHIR-only jobs have cards too.


@pytest.fixture
def fhir_job(completed_job: Any) -> Job:
    return completed_job(("fhir",))


def test_a_fhir_only_job_has_cards(alice_client: Any, fhir_job: Job, done_job: Job) -> None:
    # Same scenario and seed as done_job: the same patients, as Bundles.
    response = alice_client.get(f"/jobs/{fhir_job.id}/cards/?page=3")

    assert response.status_code == 200
    page = response.content.decode()
    assert _sequences(page) == list(range(97, 145))
    for record in _records(done_job)[96:144]:
        text = _card_text(page, record["id"])
        assert f"{record['name']['family'].upper()}, {record['name']['given']}" in text
        for field in ("id", "service_number", "nationality", "blood_group"):
            assert record[field] in text, field
        for treatment in record["treatments"]:
            assert dtg(treatment["time"]) in text
        assert cards.qr_svg(record["id"]) in page


def test_a_fhir_only_jobs_kia_card_shows_the_category(
    alice_client: Any, fhir_job: Job, done_job: Job
) -> None:
    killed = [r for r in _records(done_job) if r["outcome"] == "KIA"][:3]
    assert killed
    for record in killed:
        sequence = record["sequence"]
        response = alice_client.get(f"/jobs/{fhir_job.id}/cards/?from={sequence}&to={sequence}")

        text = _card_text(response.content.decode(), record["id"])
        label = {"battle_injury": "Battle injury"}[record["category"]]  # KIA: battle only
        assert f"Type KIA · {label}" in text
