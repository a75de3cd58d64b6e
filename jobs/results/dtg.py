"""Times for exercise documents: the scenario's own zone with its offset, and the NATO
date-time group (DTG), DDHHMM + zone letter + MON + YY, e.g. 021430BMAR26."""

from __future__ import annotations

from datetime import datetime, timedelta

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# Military time-zone letters by whole-hour offset from UTC (J is not used).
LETTERS = {0: "Z"} | {h: "ABCDEFGHIKLM"[h - 1] for h in range(1, 13)}
LETTERS |= {-h: "NOPQRSTUVWXY"[h - 1] for h in range(1, 13)}


def at(start: datetime, seconds: float) -> datetime:
    """The moment `seconds` after `start`, in start's zone."""
    return start + timedelta(seconds=seconds)


def dtg(moment: datetime) -> str:
    """The DTG in the moment's own zone; in UTC (Z) when its offset is not whole hours."""
    offset = moment.utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or hours not in LETTERS:
        moment, hours = moment - offset, 0
    return (
        f"{moment.day:02d}{moment.hour:02d}{moment.minute:02d}{LETTERS[hours]}"
        f"{MONTHS[moment.month - 1]}{moment.year % 100:02d}"
    )


def local(moment: datetime) -> str:
    """`2026-03-02 14:30 +02:00`: readable, with the offset."""
    return (
        moment.strftime("%Y-%m-%d %H:%M ")
        + moment.strftime("%z")[:3]
        + ":"
        + moment.strftime("%z")[3:]
    )
