"""Exercise time as people read it: in the scenario's time zone, and as a date-time group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# Military time-zone letters by whole-hour offset (ACP 121): J is local time, never a zone.
ZONE_LETTERS = {
    0: "Z",
    **dict(zip(range(1, 13), "ABCDEFGHIKLM", strict=True)),
    **dict(zip(range(-1, -13, -1), "NOPQRSTUVWXY", strict=True)),
}


def scenario_time(start: datetime, position: float) -> datetime:
    """The moment `position` seconds after `start`, in `start`'s time zone."""
    return start + timedelta(seconds=position)


def dtg(moment: datetime) -> str:
    """A date-time group, e.g. `021654Z MAR 26`, in the moment's zone when it has a letter."""
    offset = moment.utcoffset() or timedelta(0)
    hours, rest = divmod(offset.total_seconds(), 3600)
    letter = ZONE_LETTERS.get(int(hours)) if rest == 0 else None
    if letter is None:
        moment, letter = moment.astimezone(UTC), "Z"
    return f"{moment:%d%H%M}{letter} {MONTHS[moment.month - 1]} {moment:%y}"


def parse_local(value: str, start: datetime) -> float:
    """Seconds after `start` of a `YYYY-MM-DDTHH:MM` in the scenario's zone (ValueError if bad)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=start.tzinfo)
    return (moment - start).total_seconds()


def local_input(start: datetime, position: float) -> str:
    """The value of a datetime-local input for `position`."""
    return scenario_time(start, position).strftime("%Y-%m-%dT%H:%M")


def zone_label(start: datetime) -> str:
    """`UTC+02:00`: the scenario's zone as its start's offset."""
    return "UTC" + start.isoformat()[-6:] if start.utcoffset() else "UTC"


def span(start: datetime, first: float, last: float) -> str:
    """`2026-03-02 06:00 to 2026-03-03 12:00 UTC+02:00`: a window in the scenario's zone."""
    ends = (f"{scenario_time(start, p):%Y-%m-%d %H:%M}" for p in (first, last))
    return f"{' to '.join(ends)} {zone_label(start)}"


def seconds_after(time: str, start: datetime) -> float:
    """Seconds from `start` to the ISO 8601 `time` of a record (`...Z`)."""
    return (datetime.fromisoformat(time) - start).total_seconds()
