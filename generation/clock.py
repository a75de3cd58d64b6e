"""ISO 8601 times of the engine's clock: seconds after the scenario start, in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_HOUR_MINUTE = tuple(f"T{m // 60:02d}:{m % 60:02d}:" for m in range(1440))
_SECOND = tuple(f"{s:02d}Z" for s in range(60))


class Clock:
    """Formats offsets from the scenario start as ISO 8601 UTC, fast."""

    def __init__(self, start: datetime) -> None:
        start = start.astimezone(UTC).replace(microsecond=0)
        self.midnight = start.replace(hour=0, minute=0, second=0)
        self.offset = int((start - self.midnight).total_seconds())
        self._days: dict[int, str] = {}
        self._dates: dict[int, date] = {}

    def date(self, seconds: int) -> date:
        day = (seconds + self.offset) // 86_400
        found = self._dates.get(day)
        if found is None:
            found = self._dates[day] = (self.midnight + timedelta(days=day)).date()
        return found

    def iso(self, seconds: int) -> str:
        at = seconds + self.offset
        day = at // 86_400  # not divmod: compiled, two integer operations beat a call
        rest = at - day * 86_400
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (self.midnight + timedelta(days=day)).strftime("%Y-%m-%d")
        # One f-string: compiled, the three parts are copied into one new string at once.
        return f"{prefix}{_HOUR_MINUTE[rest // 60]}{_SECOND[rest % 60]}"
