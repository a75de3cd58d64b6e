"""A live exercise in two browsers: control starts a x60 run, a participant's R1 board
(opened by share link, no login) sees casualties arrive in order with their cards,
marks one received, and control sees the mark. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ROOT, SHOTS, open_page, wait_until

pytestmark = pytest.mark.browser
ZONE = timezone(timedelta(hours=2))  # the scenario starts at 06:00+02:00
ARRIVED = "#col-arriving .entry, #col-present .entry"
JOB = """
from django.contrib.auth import get_user_model
from jobs.runs.submit import submit_job
doc = {"title": "Exercise drill", "total_patients": 200, "days": 1, "intensity": "high",
       "start": "2026-03-02T06:00:00+02:00"}
job = submit_job(get_user_model().objects.get(username="alice"), doc, ["ndjson", "csv"])
print("JOB", job.id)
"""


def make_job(live: Any) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", JOB],
        cwd=ROOT,
        env=live.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return re.search(r"JOB (\S+)", done.stdout).group(1)  # type: ignore[union-attr]


def r1_arrivals(live: Any, job_id: str) -> list[tuple[datetime, str]]:
    files = list(Path(live.env["MEDIA_ROOT"]).glob(f"jobs/{job_id}/*/patients.ndjson"))
    arrivals = []
    for line in files[0].read_text().splitlines():
        record = json.loads(line)
        for entry in record["timeline"]:
            if entry["facility"] == "R1" and entry["event"] == "arrival":
                arrivals.append((datetime.fromisoformat(entry["time"]), record["id"]))
    return sorted(arrivals)


def busiest_start(arrivals: list[tuple[datetime, str]]) -> datetime:
    """A minute before the tightest run of three R1 arrivals: the board fills within seconds."""
    gaps = [(arrivals[i + 2][0] - arrivals[i][0], i) for i in range(len(arrivals) - 2)]
    first = arrivals[min(gaps)[1]][0]
    return (first - timedelta(minutes=1)).replace(second=0)


def test_a_live_exercise_reaches_the_r1_board_and_marks_reach_control(
    live: Any, browser: Any, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    job_id = make_job(live)
    worker = live.start_worker()
    control = browser.new_context(viewport={"width": 1280, "height": 1000})
    page, errors = open_page(control)

    # 1. Log in, wait for the job, create a x60 run from just before a busy spell at R1.
    page.goto(f"{live.url}/jobs/{job_id}/")
    page.fill("input[name=username]", live.username)
    page.fill("input[name=password]", live.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#exercise-new", timeout=60_000)
    worker.terminate()
    arrivals = r1_arrivals(live, job_id)
    window_from = busiest_start(arrivals).astimezone(ZONE)  # the form takes scenario time
    page.click("#exercise-new")
    page.fill("#id_name", "Browser drill")
    page.fill("#id_window_from", window_from.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_speed", "60")
    page.screenshot(path=str(SHOTS / "exercise-new-run.png"), full_page=True)
    page.click("#create-run")
    page.wait_for_url(re.compile(r"/exercises/\d+/$"))

    # 2. A share link for the R1 board, shown once.
    page.select_option("#id_board", "R1")
    page.fill("#id_label", "R1 desk")
    page.click("#link-create")
    link = page.input_value("#new-link-url")
    assert re.search(r"/board/[A-Za-z0-9_-]{43}/$", link)

    # 3. A participant opens the board in a browser of their own: no login.
    participant = browser.new_context(viewport={"width": 1280, "height": 900})
    board, _ = open_page(participant, errors)
    board.goto(link)
    assert board.text_content("#board-title") == "Role 1"
    wait_until(board, "() => document.getElementById('clock-status').textContent === 'Not started'")
    board.wait_for_selector("#board[data-state=received]", state="attached")

    # 4. Control starts the clock; casualties reach R1 in order, each with a card.
    arrived_at = {pid: moment for moment, pid in arrivals}
    before = set(board.eval_on_selector_all(ARRIVED, "items => items.map(i => i.dataset.patient)"))
    assert all(arrived_at[pid] < window_from for pid in before)  # there when the clock started
    page.click("#clock-start")
    wait_until(
        page, "() => document.getElementById('clock-status').textContent.startsWith('Running')"
    )
    first_seen: dict[str, int] = {}  # patient -> the poll in which it first showed as arrived
    deadline, polls = time.monotonic() + 60, 0
    while len(first_seen) < 3:
        assert time.monotonic() < deadline, f"only {first_seen} arrived at R1 within 60 s"
        shown = board.eval_on_selector_all(ARRIVED, "items => items.map(i => i.dataset.patient)")
        for pid in shown:
            if pid not in before:
                first_seen.setdefault(pid, polls)
        polls += 1
        time.sleep(0.2)
    # In the order they arrive: who arrives later never shows in an earlier poll.
    by_arrival = sorted(first_seen, key=arrived_at.__getitem__)
    assert [first_seen[pid] for pid in by_arrival] == sorted(first_seen.values())
    assert all(arrived_at[pid] >= window_from for pid in first_seen)
    patient = board.locator("#col-arriving .entry").last.get_attribute("data-patient")
    first = board.locator(f".entry[data-patient='{patient}']")
    first.locator(".entry-head").click()
    card = first.locator(".casualty-card")
    assert "Triage now" in card.text_content()
    assert "ATMIST handover" in card.text_content()
    first.get_by_role("button", name="Mark received").click()
    board.wait_for_selector(f".entry[data-patient='{patient}'] .mark-badge")
    first.evaluate("entry => entry.scrollIntoView({block: 'start'})")  # its card in view
    board.screenshot(path=str(SHOTS / "exercise-board-r1.png"), full_page=True)

    # 5. Control sees the mark live.
    wait_until(page, f"() => document.getElementById('marks').textContent.includes('{patient}')")
    assert "Received" in page.text_content("#marks")
    page.screenshot(path=str(SHOTS / "exercise-control.png"), full_page=True)

    # 6. Control pauses; the board stops with it. The replay shows the mark on the R1 board.
    page.click("#clock-pause")
    wait_until(board, "() => document.getElementById('clock-status').textContent === 'Paused'")
    evac = open_evac_board(page, participant)
    page.click("#replay-link")
    page.wait_for_selector(f".entry[data-patient='{patient}'] .mark-badge")
    page.locator(f".entry[data-patient='{patient}'] .entry-head").click()
    page.screenshot(path=str(SHOTS / "exercise-replay.png"), full_page=True)

    # 7. Revoking the evacuation cell's link closes its page.
    page.go_back()
    page.locator("#share-links tr", has_text="Evacuation cell").get_by_role(
        "button", name="Revoke"
    ).click()
    evac.wait_for_selector("#board-closed:not([hidden])")
    evac.screenshot(path=str(SHOTS / "exercise-board-revoked.png"))
    assert errors == []
    participant.close()
    control.close()


def open_evac_board(page: Any, participant: Any) -> Any:
    """The evacuation cell's board, by a link of its own: 9-lines with precedence and grid."""
    page.select_option("#id_board", "evac")
    page.fill("#id_label", "Evac cell")
    page.click("#link-create")
    evac = participant.new_page()
    evac.goto(page.input_value("#new-link-url"))
    evac.wait_for_selector("#col-requested .entry, #col-delivered .entry")
    entry = evac.locator("#col-requested .entry, #col-delivered .entry").first
    assert re.search(
        r"precedence \d[A-E] · grid \d\d[A-Z] [A-Z]{2} \d{5} \d{5}", entry.text_content()
    )
    entry.locator(".entry-head").click()
    assert "9-line" in entry.locator(".nine-line").text_content()
    evac.screenshot(path=str(SHOTS / "exercise-board-evac.png"), full_page=True)
    return evac
