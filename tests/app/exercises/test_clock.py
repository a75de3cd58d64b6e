"""The exercise clock: time under start, pause, resume, speed change and jump."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobs.exercises.clock import Clock, ClockError

T0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_it_stands_still_until_started() -> None:
    clock = Clock(position=600, speed=60, start=600, end=86400)
    assert clock.at(at(1000)) == 600
    assert not clock.running


def test_it_runs_at_its_speed_from_the_window_start() -> None:
    clock = Clock(position=0, speed=60, start=600, end=86400).started_at(T0)
    assert clock.at(at(10)) == 600 + 10 * 60


def test_pause_holds_the_time_and_resume_continues_from_it() -> None:
    clock = Clock(position=0, speed=2, start=0, end=86400).started_at(T0)
    paused = clock.paused_at(at(100))
    assert paused.at(at(5000)) == 200
    resumed = paused.resumed_at(at(5000))
    assert resumed.at(at(5010)) == 220


def test_a_speed_change_keeps_the_time_reached() -> None:
    clock = Clock(position=0, speed=1, start=0, end=86400).started_at(T0)
    faster = clock.with_speed(60, at(30))
    assert faster.at(at(30)) == 30
    assert faster.at(at(31)) == 90


def test_a_speed_change_while_paused_stays_paused() -> None:
    clock = Clock(position=0, speed=1, start=0, end=86400).started_at(T0).paused_at(at(10))
    changed = clock.with_speed(30, at(20))
    assert not changed.running and changed.at(at(100)) == 10


def test_a_jump_moves_the_time_and_keeps_running() -> None:
    clock = Clock(position=0, speed=10, start=0, end=86400).started_at(T0)
    jumped = clock.jumped_to(7200, at(5))
    assert jumped.at(at(5)) == 7200
    assert jumped.at(at(6)) == 7210


def test_the_time_stops_at_the_window_end() -> None:
    clock = Clock(position=0, speed=60, start=0, end=3600).started_at(T0)
    assert clock.at(at(120)) == 3600
    assert clock.finished(at(120))
    with pytest.raises(ClockError):
        clock.paused_at(at(120)).resumed_at(at(121))


def test_it_knows_when_a_time_falls_due() -> None:
    clock = Clock(position=0, speed=60, start=0, end=86400).started_at(T0)
    assert clock.wall_time_of(600, T0) == at(10)
    assert clock.paused_at(T0).wall_time_of(600, T0) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.paused_at(T0),
        lambda c: c.resumed_at(T0),
        lambda c: c.jumped_to(10, T0),
        lambda c: c.with_speed(7, T0),
    ],
)
def test_it_refuses_changes_that_make_no_sense(change: object) -> None:
    clock = Clock(position=0, speed=1, start=0, end=100)
    with pytest.raises(ClockError):
        change(clock)  # type: ignore[operator]


def test_it_refuses_a_jump_outside_the_window() -> None:
    clock = Clock(position=0, speed=1, start=100, end=200).started_at(T0)
    with pytest.raises(ClockError):
        clock.jumped_to(50, T0)
