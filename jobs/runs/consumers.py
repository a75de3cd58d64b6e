"""The websocket a job page listens on: authenticated, owned, replays state on connect."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from jobs.runs import progress
from jobs.runs.models import Job


class JobProgressConsumer(AsyncJsonWebsocketConsumer):
    """Sends `progress.payload(job)` on connect and after every recorded change."""

    group: str = ""

    async def connect(self) -> None:
        state = await self._current_state()
        if state is None:
            await self.close()  # anonymous or not the owner: same answer as a missing job
            return
        self.group = progress.group_name(state["id"])
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(state)

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def job_progress(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])

    @database_sync_to_async
    def _current_state(self) -> dict[str, Any] | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        job_id = self.scope["url_route"]["kwargs"]["job_id"]
        job = Job.objects.for_user(user).filter(pk=job_id).first()
        return progress.payload(job) if job else None
