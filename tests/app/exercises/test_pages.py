"""The exercise pages: a new run, the clock views, share links and their reach, the log."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jobs.exercises import events
from jobs.exercises.boards import INJECT_KINDS
from jobs.exercises.models import ClockChange, ExerciseRun, Mark, ShareLink, hash_token

pytestmark = pytest.mark.django_db


def test_it_creates_a_run_of_a_completed_job(
    exercise_job: Any, alice_client: Any, records: list
) -> None:
    page = alice_client.get(f"/jobs/{exercise_job.id}/exercises/new/")
    assert page.status_code == 200
    front = records[0]["front"]

    response = alice_client.post(
        f"/jobs/{exercise_job.id}/exercises/new/",
        {
            "name": "Day one",
            "window_from": "2026-03-02T12:00",
            "window_to": "",
            "fronts": [front],
            "speed": "60",
        },
    )

    run = ExerciseRun.objects.get()
    assert response.url == f"/exercises/{run.pk}/"
    assert (run.name, run.fronts, run.speed) == ("Day one", [front], 60)
    assert run.window_start == 6 * 3600  # the scenario starts 06:00 in its zone
    assert run.window_end == events.last_position(exercise_job)
    assert run.started_at is None


def test_a_bad_window_is_named(exercise_job: Any, alice_client: Any) -> None:
    response = alice_client.post(
        f"/jobs/{exercise_job.id}/exercises/new/",
        {
            "name": "x",
            "window_from": "2026-03-03T00:00",
            "window_to": "2026-03-02T00:00",
            "speed": "1",
        },
    )
    assert response.status_code == 200
    assert "“To” must be after “From”." in response.content.decode()
    assert not ExerciseRun.objects.exists()


def test_bob_cannot_reach_alices_runs(
    make_run: Any, exercise_job: Any, client: Any, bob: Any
) -> None:
    run = make_run()
    client.force_login(bob)
    assert client.get(f"/jobs/{exercise_job.id}/exercises/new/").status_code == 404
    assert client.get(f"/exercises/{run.pk}/").status_code == 404
    assert client.post(f"/exercises/{run.pk}/clock/", {"action": "start"}).status_code == 404
    assert client.post(f"/exercises/{run.pk}/links/", {"board": "R1"}).status_code == 404
    assert client.get(f"/exercises/{run.pk}/log.csv").status_code == 404


def test_the_clock_views_start_pause_resume_speed_and_jump(
    make_run: Any, alice_client: Any
) -> None:
    run = make_run(speed=1)
    url = f"/exercises/{run.pk}/clock/"

    alice_client.post(url, {"action": "start"})
    alice_client.post(url, {"action": "pause"})
    alice_client.post(url, {"action": "speed", "speed": "30"})
    alice_client.post(url, {"action": "jump", "to": "2026-03-03T06:00"})
    alice_client.post(url, {"action": "resume"})

    run.refresh_from_db()
    actions = list(ClockChange.objects.values_list("action", flat=True))
    assert actions == ["start", "pause", "speed", "jump", "resume"]
    assert run.speed == 30 and run.anchor is not None
    assert run.clock.at(run.anchor) == 24 * 3600


def test_a_refused_clock_change_says_why(make_run: Any, alice_client: Any) -> None:
    run = make_run()
    response = alice_client.post(f"/exercises/{run.pk}/clock/", {"action": "pause"}, follow=True)
    assert "Clock not changed: the clock is not running." in response.content.decode()
    assert not ClockChange.objects.exists()


def test_a_new_link_is_shown_once_and_kept_hashed(make_run: Any, alice_client: Any) -> None:
    run = make_run()

    response = alice_client.post(f"/exercises/{run.pk}/links/", {"board": "R1", "label": "R1 desk"})

    url = response.context["new_url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    link = ShareLink.objects.get()
    assert link.token_hash == hash_token(token) and token not in link.token_hash
    assert token not in alice_client.get(f"/exercises/{run.pk}/").content.decode()


def test_an_unknown_board_is_refused(make_run: Any, alice_client: Any) -> None:
    run = make_run()
    response = alice_client.post(f"/exercises/{run.pk}/links/", {"board": "admin"})
    assert response.status_code == 400
    assert not ShareLink.objects.exists()


def test_a_share_link_opens_its_board_without_an_account(make_run: Any, client: Any) -> None:
    run = make_run()
    _, token = ShareLink.issue(run, "R2", "R2 ward")

    page = client.get(f"/board/{token}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Role 2" in html and "R2 ward" in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert str(run.job.id) not in html  # nothing that leads to the job


def test_a_share_link_reaches_nothing_else(make_run: Any, exercise_job: Any, client: Any) -> None:
    run = make_run()
    _, token = ShareLink.issue(run, "R1")
    client.get(f"/board/{token}/")  # holding the link logs nobody in

    for url in (
        f"/jobs/{exercise_job.id}/",
        f"/jobs/{exercise_job.id}/files/patients.ndjson",
        f"/jobs/{exercise_job.id}/download.zip",
        f"/exercises/{run.pk}/",
        f"/exercises/{run.pk}/log.csv",
        f"/exercises/{run.pk}/replay/state/?board=R2&at=0",
        f"/jobs/{exercise_job.id}/status/?token={token}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin.url
    assert client.get(f"/board/{token}x/").status_code == 404


def test_a_revoked_or_expired_link_is_gone(make_run: Any, client: Any, alice_client: Any) -> None:
    run = make_run()
    link, token = ShareLink.issue(run, "R1")
    alice_client.post(f"/exercises/{run.pk}/links/{link.pk}/revoke/")
    assert client.get(f"/board/{token}/").status_code == 404
    other, other_token = ShareLink.issue(run, "R1")
    other.expires_at = other.created_at
    other.save()
    assert client.get(f"/board/{other_token}/").status_code == 404


def test_the_log_lists_what_was_shown_when_and_the_marks(make_run: Any, alice_client: Any) -> None:
    run = make_run(speed=60)
    p0 = events.last_position(run.job) / 3
    t0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    # Ran 10 minutes of wall time at x60 from p0, then paused.
    run.clock_changes.create(action="start", at=t0, position=p0, speed=60)
    run.clock_changes.create(
        action="pause", at=t0 + timedelta(minutes=10), position=p0 + 36000, speed=60
    )
    Mark.objects.create(
        run=run, board="R1", patient_id="EX-X-1", kind="received", position=p0 + 600
    )

    response = alice_client.get(f"/exercises/{run.pk}/log.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"].startswith("attachment")
    marked = [row for row in rows if row["what"] == "marked"]
    assert [(r["patient_id"], r["kind"], r["board"]) for r in marked] == [
        ("EX-X-1", "received", "R1")
    ]
    shown = [row for row in rows if row["what"] == "shown"]
    due = [e for e in events.events_between(run.job, p0, p0 + 36000) if e.kind in INJECT_KINDS]
    assert due and [(r["patient_id"], r["kind"]) for r in shown] == [
        (e.patient_id, e.kind) for e in due
    ]
    first = due[0]
    expected = t0 + timedelta(seconds=(first.position - p0) / 60)
    assert shown[0]["wall_time_utc"] == expected.isoformat(timespec="seconds")


def test_the_replay_shows_a_board_at_a_moment_with_the_marks_made_by_then(
    make_run: Any, alice_client: Any
) -> None:
    run = make_run()
    middle = events.last_position(run.job) / 2
    Mark.objects.create(
        run=run, board="R1", patient_id="EX-A", kind="received", position=middle - 60
    )
    Mark.objects.create(
        run=run, board="R1", patient_id="EX-B", kind="received", position=middle + 60
    )
    assert alice_client.get(f"/exercises/{run.pk}/replay/").status_code == 200

    state = alice_client.get(f"/exercises/{run.pk}/replay/state/?board=R1&at={middle}").json()

    assert [mark["patient_id"] for mark in state["marks"]] == ["EX-A"]
    assert all(entry["since"] <= middle for entry in state["entries"])
    bad = alice_client.get(f"/exercises/{run.pk}/replay/state/?board=R9&at=1")
    assert bad.status_code == 400 and bad.json()["error"].startswith("board")


def test_the_replay_gives_a_card_of_a_casualty_on_that_board_only(
    make_run: Any, alice_client: Any, records: list
) -> None:
    run = make_run()
    moment = next(
        e.position + 60
        for e in events.events_between(run.job, float("-inf"), float("inf"))
        if e.kind == "arrival" and e.facility == "R1"
    )
    url = f"/exercises/{run.pk}/replay/state/?board=R1&at={moment}"
    on_board = alice_client.get(url).json()["entries"][0]["patient_id"]

    card = alice_client.get(f"{url}&patient={on_board}").json()
    elsewhere = alice_client.get(f"{url}&patient=EX-NOT-HERE")

    assert card["type"] == "card" and card["card"]["id"] == on_board
    assert elsewhere.status_code == 400 and elsewhere.json()["error"].startswith("patient")
