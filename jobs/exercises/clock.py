"""The exercise clock as data: where it stood, since when it runs, how fast.

Nothing ticks. Exercise time is computed on request from the last change (`position`
at wall time `anchor`, times `speed` while running), so a web server restart, or
any number of processes reading the same row, see the same time. Times are
seconds of scenario time since the scenario's start (`position`), wall times are
aware datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

SPEEDS = (1, 2, 5, 10, 20, 30, 60)


class ClockError(ValueError):
    """A clock change that makes no sense in the clock's state (e.g. pausing a paused clock)."""


@dataclass(frozen=True)
class Clock:
    """Exercise time = `position` + (now - `anchor`) x `speed` while running, capped at `end`."""

    position: float
    speed: int
    anchor: datetime | None = None  # set while running: the wall time `position` held
    start: float = 0.0
    end: float | None = None
    started: bool = False

    @property
    def running(self) -> bool:
        return self.anchor is not None

    def at(self, now: datetime) -> float:
        """Exercise time (seconds since scenario start) at wall time `now`."""
        if self.anchor is None:
            return self.position
        position = self.position + max(0.0, (now - self.anchor).total_seconds()) * self.speed
        return position if self.end is None else min(position, self.end)

    def finished(self, now: datetime) -> bool:
        return self.end is not None and self.at(now) >= self.end

    def wall_time_of(self, position: float, now: datetime) -> datetime | None:
        """When exercise time `position` falls due, if the clock keeps running as it is."""
        if self.anchor is None:
            return None
        current = self.at(now)
        if position <= current:
            return now
        if self.end is not None and position > self.end:
            return None
        return now + timedelta(seconds=(position - current) / self.speed)

    def started_at(self, now: datetime) -> Clock:
        if self.started:
            raise ClockError("the exercise has already started")
        return replace(self, position=self.start, anchor=now, started=True)

    def paused_at(self, now: datetime) -> Clock:
        if self.anchor is None:
            raise ClockError("the clock is not running")
        return replace(self, position=self.at(now), anchor=None)

    def resumed_at(self, now: datetime) -> Clock:
        if not self.started:
            raise ClockError("the exercise has not started")
        if self.anchor is not None:
            raise ClockError("the clock is already running")
        if self.finished(now):
            raise ClockError("the exercise has reached the end of its window")
        return replace(self, anchor=now)

    def with_speed(self, speed: int, now: datetime) -> Clock:
        if speed not in SPEEDS:
            raise ClockError(f"speed must be one of {', '.join(map(str, SPEEDS))}")
        # The time reached so far is kept; only what follows runs faster or slower.
        anchor = now if self.anchor is not None else None
        return replace(self, position=self.at(now), anchor=anchor, speed=speed)

    def jumped_to(self, position: float, now: datetime) -> Clock:
        if not self.started:
            raise ClockError("start the exercise before jumping")
        if position < self.start or (self.end is not None and position > self.end):
            raise ClockError("the time is outside the exercise's window")
        anchor = now if self.anchor is not None else None
        return replace(self, position=position, anchor=anchor)
