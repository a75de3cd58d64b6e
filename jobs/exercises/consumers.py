"""Websockets of an exercise: one per board (opened by share link) and one for control.

Each socket drives itself from the clock, which is data (`ExerciseRun`): on connect it
sends the state at the current exercise time and remembers that time as its cursor;
then it sleeps until the wall time at which the next event of its run falls due
(`Clock.wall_time_of`), and sends what changed between the cursor and now, moving the
cursor there. The intervals (cursor, now] follow one another, so no event is sent
twice or skipped; a restarted server or a reconnecting page starts again from a whole
state. A clock change (group message) wakes every socket of the run at once: a pause
stops them all, a jump resends the whole state. docs/exercises.md explains the choice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import IntegrityError
from django.utils import timezone

from jobs.exercises import events, live
from jobs.exercises.boards import BoardState, ControlState
from jobs.exercises.models import ExerciseRun, Mark, ShareLink

log = logging.getLogger(__name__)

# Longest sleep between looks at the clock, whatever the next event: bounds how late an
# expired link is noticed and how long a lost group message could leave a page behind.
MAX_SLEEP = 15.0
# Wake a moment after an event falls due, so that float rounding never wakes us early.
LATE = 0.005
REVOKED = 4403  # close code a page takes as "this link no longer works"

# Heavy work (building an index, reading cards) runs off the shared database thread.
off_thread = database_sync_to_async


class ExerciseConsumer(AsyncJsonWebsocketConsumer):
    """What boards and control share: the clock-driven loop and the run's group."""

    run: ExerciseRun | None = None
    cursor: float = 0.0
    task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.run = await self.load_run()
        if self.run is None:
            await self.close()
            return
        self.wake = asyncio.Event()
        self.full_state = False
        await self.channel_layer.group_add(live.run_group(self.run.pk), self.channel_name)
        await self.accept()
        await self.send_whole_state()
        self.task = asyncio.create_task(self.drive())

    async def disconnect(self, code: int) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        if self.run is not None:
            await self.channel_layer.group_discard(live.run_group(self.run.pk), self.channel_name)

    async def drive(self) -> None:
        """Send events as they fall due, until the socket closes."""
        try:
            await self.follow_clock()
        except asyncio.CancelledError:
            raise
        except Exception:
            # The page reconnects and starts again from a whole state.
            log.exception("exercise socket of run %s stopped", self.run.pk if self.run else "?")
            await self.close(code=1011)

    async def follow_clock(self) -> None:
        assert self.run is not None
        while True:
            clock, now = self.run.clock, timezone.now()
            position = clock.at(now)
            if self.full_state or position < self.cursor:
                self.full_state = False
                await self.send_whole_state()
            elif position > self.cursor:
                await self.send_changes(self.cursor, position)
                self.cursor = position
            following = await off_thread(self.next_position)(self.cursor)
            due = clock.wall_time_of(following, now) if following is not None else None
            sleep = MAX_SLEEP if due is None else (due - now).total_seconds() + LATE
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), min(MAX_SLEEP, max(LATE, sleep)))
            self.wake.clear()
            if not await self.still_allowed():
                await self.close(code=REVOKED)
                return

    def next_position(self, after: float) -> float | None:
        assert self.run is not None
        # Look only as far ahead as the longest sleep covers at the clock's speed.
        within = MAX_SLEEP * self.run.speed
        return events.next_position(self.run.job, after, within, self.run.fronts)

    async def exercise_clock(self, message: dict[str, Any]) -> None:
        self.run = await database_sync_to_async(self.reload_run)()
        await self.send_json({"type": "clock", "clock": live.clock_payload(self.run)})
        self.full_state = self.full_state or message.get("action") == "jump"
        self.wake.set()

    def reload_run(self) -> ExerciseRun:
        assert self.run is not None
        return ExerciseRun.objects.select_related("job").get(pk=self.run.pk)

    async def exercise_mark(self, message: dict[str, Any]) -> None:
        if self.shows_mark(message["mark"]):
            await self.send_json({"type": "mark", "mark": message["mark"]})

    async def load_run(self) -> ExerciseRun | None:
        raise NotImplementedError

    async def send_whole_state(self) -> None:
        raise NotImplementedError

    async def send_changes(self, after: float, until: float) -> None:
        raise NotImplementedError

    async def still_allowed(self) -> bool:
        return True

    def shows_mark(self, mark: dict[str, Any]) -> bool:
        return True


class BoardConsumer(ExerciseConsumer):
    """One board of one run, for whoever holds its share link (no account needed)."""

    link: ShareLink | None = None
    board: BoardState | None = None
    checked_at = 0.0

    async def load_run(self) -> ExerciseRun | None:
        self.link = await database_sync_to_async(ShareLink.find)(
            self.scope["url_route"]["kwargs"]["token"]
        )
        if self.link is None:
            return None
        await self.channel_layer.group_add(self.link.group, self.channel_name)
        return self.link.run

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if self.link is not None:
            await self.channel_layer.group_discard(self.link.group, self.channel_name)

    async def send_whole_state(self) -> None:
        assert self.run is not None and self.link is not None
        position = self.run.clock.at(timezone.now())
        self.board, message = await off_thread(live.board_snapshot)(
            self.run, self.link.board, position
        )
        self.cursor = position
        await self.send_json(message)

    async def send_changes(self, after: float, until: float) -> None:
        assert self.run is not None and self.board is not None
        message = await off_thread(live.board_update)(self.run, self.board, after, until)
        if message is not None:  # events of other boards change nothing here
            await self.send_json(message)

    async def still_allowed(self) -> bool:
        # A revocation also arrives as a group message; this catches expiry, and a
        # revocation whose message was lost, within MAX_SLEEP.
        if time.monotonic() - self.checked_at < 1:
            return True
        self.checked_at = time.monotonic()
        assert self.link is not None
        return await database_sync_to_async(
            ShareLink.objects.usable().filter(pk=self.link.pk).exists
        )()

    async def exercise_revoked(self, message: dict[str, Any]) -> None:
        await self.close(code=REVOKED)

    def shows_mark(self, mark: dict[str, Any]) -> bool:
        return self.link is not None and mark["board"] == self.link.board

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """What a board may ask: a card of a casualty on it; mark one received or handed over."""
        if not isinstance(content, dict) or content.get("action") not in ("mark", "card"):
            return
        pid, kind = str(content.get("patient_id", "")), content.get("kind")
        if content["action"] == "card":
            await self.send_card(pid)
            return
        if kind not in Mark.Kind.values or self.board is None:
            await self.send_json({"type": "error", "error": "unknown mark"})
            return
        if not any(e["patient_id"] == pid for e in self.board.entries.values()):
            await self.send_json({"type": "error", "error": "that casualty is not on this board"})
            return
        mark = await database_sync_to_async(self.save_mark)(pid, kind)
        if mark is not None:
            message = {"type": "exercise.mark", "mark": mark.as_dict()}
            await self.channel_layer.group_send(live.run_group(mark.run_id), message)

    async def send_card(self, pid: str) -> None:
        if self.board is None or not any(
            e["patient_id"] == pid for e in self.board.entries.values()
        ):
            await self.send_json({"type": "error", "error": "that casualty is not on this board"})
            return
        assert self.run is not None
        position = self.run.clock.at(timezone.now())
        await self.send_json(await off_thread(live.card_message)(self.run, pid, position))

    def save_mark(self, pid: str, kind: str) -> Mark | None:
        assert self.run is not None and self.link is not None
        position = ExerciseRun.objects.get(pk=self.run.pk).clock.at(timezone.now())
        try:
            return Mark.objects.create(
                run=self.run,
                link=self.link,
                board=self.link.board,
                patient_id=pid,
                kind=kind,
                position=position,
            )
        except IntegrityError:
            return None  # marked already: the first mark stands


class ControlConsumer(ExerciseConsumer):
    """Exercise control's live view of a run: clock, counts, injects, marks (owner only)."""

    summary: ControlState | None = None

    async def load_run(self) -> ExerciseRun | None:
        return await database_sync_to_async(self._owned_run)()

    def _owned_run(self) -> ExerciseRun | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        run_id = self.scope["url_route"]["kwargs"]["run_id"]
        return ExerciseRun.objects.for_user(user).select_related("job").filter(pk=run_id).first()

    async def send_whole_state(self) -> None:
        assert self.run is not None
        position = self.run.clock.at(timezone.now())
        self.summary, message = await off_thread(live.control_snapshot)(self.run, position)
        self.cursor = position
        await self.send_json(message)

    async def send_changes(self, after: float, until: float) -> None:
        assert self.run is not None and self.summary is not None
        message = await off_thread(self._update)(after, until)
        await self.send_json(message)

    def _update(self, after: float, until: float) -> dict[str, Any]:
        assert self.run is not None and self.summary is not None
        self.summary.apply(events.events_between(self.run.job, after, until, self.run.fronts))
        return live.control_update(self.run, self.summary, until)
