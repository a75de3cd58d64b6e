"""ISO 8601 times of the engine's clock: seconds after the scenario start, in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_HOUR_MINUTE = tuple(f"T{m // 60:02d}:{m % 60:02d}:" for m in range(1440))
_SECOND = tuple(f"{s:02d}Z" for s in range(60))
_DTG_HOUR_MINUTE = tuple(f"{m // 60:02d}{m % 60:02d}" for m in range(1440))
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# Military time zone letters by whole hours east of UTC (J is local time, never written).
_ZONE_LETTERS = {0: "Z", **{h: "ABCDEFGHIKLM"[h - 1] for h in range(1, 13)}}
_ZONE_LETTERS.update({-h: "NOPQRSTUVWXY"[h - 1] for h in range(1, 13)})


def zone_letter(offset_seconds: int) -> str | None:
    """The military zone letter of a UTC offset, or None when it is not whole hours."""
    if offset_seconds % 3600:
        return None
    return _ZONE_LETTERS.get(offset_seconds // 3600)


class Clock:
    """Formats offsets from the scenario start as ISO 8601 UTC, fast."""

    def __init__(self, start: datetime) -> None:
        # Date-time groups are written in the scenario's own zone when it has a letter
        # (whole hours from UTC), else in Z.
        offset = start.utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        letter = zone_letter(seconds)
        self.zone = letter or "Z"
        self.zone_offset = seconds if letter else 0
        self._dtg_days: dict[int, tuple[str, str]] = {}
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

    def dtg(self, seconds: int) -> str:
        """A military date-time group, DDHHMM + zone letter + MONYY (040200ZMAY26)."""
        at = seconds + self.offset + self.zone_offset
        day = at // 86_400
        rest = at - day * 86_400
        parts = self._dtg_days.get(day)
        if parts is None:
            moment = self.midnight + timedelta(days=day)
            parts = self._dtg_days[day] = (
                f"{moment.day:02d}",
                f"{self.zone}{_MONTHS[moment.month - 1]}{moment.year % 100:02d}",
            )
        return f"{parts[0]}{_DTG_HOUR_MINUTE[rest // 60]}{parts[1]}"
