"""Board and control websockets against the real Redis channel layer.

A board gets the state at the current exercise time on connect, then the events as they
fall due; a pause stops it; revoking its link closes it; a restart loses nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from jobs.exercises import events, live
from jobs.exercises.models import ExerciseRun, Mark, ShareLink
from jobs.results import playback_store
from tests.app.sockets import OpenSocket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
HEADERS = [(b"origin", b"http://localhost"), (b"host", b"localhost")]


@pytest.fixture
def board_socket(open_socket: OpenSocket) -> Any:
    """board_socket(token) -> a communicator on that share link's board."""
    return lambda token: open_socket(f"/ws/exercise-boards/{token}/", HEADERS)


@pytest.fixture
def control_socket(open_socket: OpenSocket) -> Any:
    """control_socket(run, client=None) -> a communicator on the run's control socket."""

    def open_(run: ExerciseRun, client: Any | None = None) -> WebsocketCommunicator:
        headers = list(HEADERS)
        if client is not None:
            headers.append((b"cookie", f"sessionid={client.session.session_key}".encode()))
        return open_socket(f"/ws/exercises/{run.pk}/control/", headers)

    return open_


async def receive_until(socket: WebsocketCommunicator, kind: str, timeout: float = 5) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"no {kind!r} message within {timeout} s"
        message = await socket.receive_json_from(timeout=left)
        if message["type"] == kind:
            return message


def first_r1_event(run: ExerciseRun) -> float:
    everything = events.events_between(run.job, float("-inf"), float("inf"))
    return next(e.position for e in everything if "R1" in (e.facility, e.to))


@pytest.fixture
def started_run(make_run: Any, redis_db: Any) -> ExerciseRun:
    """A x60 run whose window opens 2 exercise minutes (2 s) before the first R1 event."""
    run = make_run()
    first = first_r1_event(run)
    run.window_start = run.position = first - 120
    run.save()
    run.change_clock("start", lambda clock, now: clock.started_at(now))
    return run


async def test_a_board_gets_its_state_then_events_as_they_fall_due(
    started_run: ExerciseRun, board_socket: Any
) -> None:
    _, token = await database_sync_to_async(ShareLink.issue)(started_run, "R1")
    socket = board_socket(token)
    connected, _ = await socket.connect()
    assert connected

    state = await socket.receive_json_from()
    assert state["type"] == "state" and state["board"] == "R1"
    assert state["clock"]["running"] and state["clock"]["speed"] == 60
    update = await receive_until(socket, "events", timeout=6)

    first = await database_sync_to_async(first_r1_event)(started_run)
    assert update["position"] >= first
    for entry in [*state["entries"], *update["entries"]]:  # R1's casualties, no one else's
        card = entry["card"]
        places = {e["facility"] for e in card["timeline"]} | {r["to"] for r in card["nine_lines"]}
        assert "R1" in places
    assert all(entry["since"] <= update["position"] for entry in update["entries"])
    assert {entry["since"] for entry in update["entries"]} >= {first}
    await socket.disconnect()


async def test_updates_neither_repeat_nor_skip_an_event(
    started_run: ExerciseRun, board_socket: Any
) -> None:
    """What a board folds from its updates equals a fresh state at the same moment."""
    _, token = await database_sync_to_async(ShareLink.issue)(started_run, "R1")
    socket = board_socket(token)
    await socket.connect()
    state = await socket.receive_json_from()
    shown = {entry["key"]: entry for entry in state["entries"]}
    position, updates = state["position"], 0
    deadline = asyncio.get_running_loop().time() + 4
    while asyncio.get_running_loop().time() < deadline:
        if await socket.receive_nothing(timeout=0.5):
            continue
        message = await socket.receive_json_from()
        if message["type"] == "events":
            assert message["position"] > position  # each update starts where the last ended
            position, updates = message["position"], updates + 1
            shown.update({entry["key"]: entry for entry in message["entries"]})
    await socket.disconnect()

    assert updates >= 1
    run = await database_sync_to_async(ExerciseRun.objects.select_related("job").get)(
        pk=started_run.pk
    )
    _, fresh = await database_sync_to_async(live.board_snapshot)(run, "R1", position)
    expected = {entry["key"]: entry["stage"] for entry in fresh["entries"]}
    assert {key: shown[key]["stage"] for key in expected} == expected


async def test_a_paused_clock_pauses_every_board(
    started_run: ExerciseRun, board_socket: Any
) -> None:
    run = await database_sync_to_async(ExerciseRun.objects.select_related("job").get)(
        pk=started_run.pk
    )
    await database_sync_to_async(run.change_clock)("pause", lambda clock, now: clock.paused_at(now))
    await database_sync_to_async(live.publish_clock)(run, "pause")
    _, token = await database_sync_to_async(ShareLink.issue)(run, "R1")
    socket = board_socket(token)
    await socket.connect()

    state = await socket.receive_json_from()

    assert not state["clock"]["running"]
    assert await socket.receive_nothing(timeout=3)  # the first R1 event would fall due in 2 s
    await socket.disconnect()


async def test_pausing_sends_the_clock_to_open_boards(
    started_run: ExerciseRun, board_socket: Any
) -> None:
    _, token = await database_sync_to_async(ShareLink.issue)(started_run, "R2")
    socket = board_socket(token)
    await socket.connect()
    await socket.receive_json_from()

    await database_sync_to_async(started_run.change_clock)("pause", lambda c, now: c.paused_at(now))
    await database_sync_to_async(live.publish_clock)(started_run, "pause")

    message = await receive_until(socket, "clock")
    assert message["clock"]["running"] is False
    await socket.disconnect()


async def test_revoking_a_link_closes_its_open_sockets(
    started_run: ExerciseRun, alice_client: Any, board_socket: Any
) -> None:
    link, token = await database_sync_to_async(ShareLink.issue)(started_run, "R1")
    _, other_token = await database_sync_to_async(ShareLink.issue)(started_run, "R1")
    socket, other = board_socket(token), board_socket(other_token)
    await socket.connect()
    await other.connect()
    await socket.receive_json_from()
    await other.receive_json_from()

    url = f"/exercises/{started_run.pk}/links/{link.pk}/revoke/"
    response = await database_sync_to_async(alice_client.post)(url)
    assert response.status_code == 302

    closed = await socket.receive_output(timeout=3)
    while closed["type"] != "websocket.close":
        closed = await socket.receive_output(timeout=3)
    assert closed["code"] == 4403
    reconnect = board_socket(token)
    connected, _ = await reconnect.connect()
    assert not connected
    # The other link of the same board stays open.
    await other.send_json_to({"action": "mark", "patient_id": "EX-NONE", "kind": "received"})
    assert (await receive_until(other, "error"))["error"] == "that casualty is not on this board"
    await other.disconnect()


async def test_a_restart_loses_nothing(started_run: ExerciseRun, board_socket: Any) -> None:
    """A board reconnecting to a fresh server process shows what an unbroken board shows."""
    _, token = await database_sync_to_async(ShareLink.issue)(started_run, "R1")
    socket = board_socket(token)
    await socket.connect()
    shown: dict[str, dict] = {}
    for entry in (await socket.receive_json_from())["entries"]:
        shown[entry["key"]] = entry
    for entry in (await receive_until(socket, "events", timeout=6))["entries"]:
        shown[entry["key"]] = entry
    await socket.disconnect()

    playback_store._OPEN.clear()  # a new process: no open files or consumer state, the database
    await asyncio.sleep(1)
    socket = board_socket(token)
    await socket.connect()
    state = await socket.receive_json_from()

    again = {entry["key"]: entry for entry in state["entries"]}
    assert state["position"] > started_run.window_start + 120
    assert set(shown) <= set(again)
    for key, entry in shown.items():
        assert again[key]["since"] == entry["since"]
    run = await database_sync_to_async(ExerciseRun.objects.select_related("job").get)(
        pk=started_run.pk
    )
    _, expected = await database_sync_to_async(live.board_snapshot)(run, "R1", state["position"])
    assert [e["key"] for e in expected["entries"]] == [e["key"] for e in state["entries"]]
    await socket.disconnect()


async def test_a_mark_reaches_control_and_is_kept(
    started_run: ExerciseRun, alice_client: Any, board_socket: Any, control_socket: Any
) -> None:
    _, token = await database_sync_to_async(ShareLink.issue)(started_run, "R1", "R1 desk")
    board, control = board_socket(token), control_socket(started_run, alice_client)
    await board.connect()
    assert (await control.connect())[0]
    await control.receive_json_from()
    await board.receive_json_from()
    update = await receive_until(board, "events", timeout=6)
    patient = update["entries"][0]["patient_id"]

    await board.send_json_to({"action": "mark", "patient_id": patient, "kind": "received"})

    mark = await receive_until(control, "mark")
    assert (mark["mark"]["patient_id"], mark["mark"]["kind"], mark["mark"]["board"]) == (
        patient,
        "received",
        "R1",
    )
    assert (await receive_until(board, "mark"))["mark"]["patient_id"] == patient
    assert (
        await database_sync_to_async(
            Mark.objects.filter(run=started_run, patient_id=patient).count
        )()
        == 1
    )
    await board.disconnect()
    await control.disconnect()


async def test_a_board_gets_a_card_on_request(started_run: ExerciseRun, board_socket: Any) -> None:
    _, token = await database_sync_to_async(ShareLink.issue)(started_run, "R1")
    socket = board_socket(token)
    await socket.connect()
    await socket.receive_json_from()
    patient = (await receive_until(socket, "events", timeout=6))["entries"][0]["patient_id"]

    await socket.send_json_to({"action": "card", "patient_id": patient})

    message = await receive_until(socket, "card")
    assert message["patient_id"] == patient and message["card"]["id"] == patient
    await socket.send_json_to({"action": "card", "patient_id": "EX-NOT-THERE"})
    assert (await receive_until(socket, "error"))["error"] == "that casualty is not on this board"
    await socket.disconnect()


async def test_a_board_cannot_mark_a_casualty_it_does_not_show(
    started_run: ExerciseRun, board_socket: Any
) -> None:
    _, token = await database_sync_to_async(ShareLink.issue)(started_run, "R4")
    socket = board_socket(token)
    await socket.connect()
    await socket.receive_json_from()

    await socket.send_json_to({"action": "mark", "patient_id": "EX-NOT-THERE", "kind": "received"})

    assert (await receive_until(socket, "error"))["error"] == "that casualty is not on this board"
    assert not await database_sync_to_async(Mark.objects.exists)()
    await socket.disconnect()


async def test_control_sockets_are_for_the_owner_only(
    started_run: ExerciseRun, client: Any, bob: Any, control_socket: Any
) -> None:
    anonymous = control_socket(started_run)
    assert not (await anonymous.connect())[0]
    await database_sync_to_async(client.force_login)(bob)
    assert not (await control_socket(started_run, client).connect())[0]


@pytest.fixture
def expired_token(started_run: ExerciseRun) -> str:
    link, token = ShareLink.issue(started_run, "R1")
    link.expires_at = timezone.now()
    link.save()
    return token


async def test_an_unknown_or_expired_token_is_refused(
    expired_token: str, board_socket: Any
) -> None:
    assert not (await board_socket("not-a-token").connect())[0]
    assert not (await board_socket(expired_token).connect())[0]
