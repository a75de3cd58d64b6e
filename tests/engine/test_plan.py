"""The arrival plan: exact counts, days by tempo, hours by warfare pattern, events."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import generation
from generation import reference
from generation.plan import allocate, tempo_profile
from tests.engine.conftest import scenario

DAY = 86_400


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(1, 3000),
    days=st.integers(1, 20),
    tempo=st.sampled_from(["sustained", "escalating", "surge", "declining", "intermittent"]),
    intensity=st.sampled_from(["low", "medium", "high", "extreme"]),
    seed=st.integers(0, 2**40),
)
def test_it_plans_exactly_the_requested_number(
    total: int, days: int, tempo: str, intensity: str, seed: int
) -> None:
    events = [{"type": "mass_casualty", "size": [1, 50]}] if total > 1 else []
    sc = scenario(
        total_patients=total, days=days, tempo=tempo, intensity=intensity, special_events=events
    )
    plan = generation.make_plan(sc, seed)
    assert plan.total == total
    assert list(plan.times) == sorted(plan.times)
    assert plan.times[0] >= 0 and plan.times[-1] < days * DAY
    assert sum(plan.event_size) == total


@given(
    total=st.integers(0, 10_000), weights=st.lists(st.floats(0.01, 100), min_size=1, max_size=60)
)
def test_it_allocates_exactly_with_largest_remainders(total: int, weights: list[float]) -> None:
    counts = allocate(total, weights)
    assert sum(counts) == total
    exact = [w * total / sum(weights) for w in weights]
    assert all(abs(c - x) < 1 for c, x in zip(counts, exact, strict=True))


def per_day(plan: generation.Plan) -> list[int]:
    counts = Counter(t // DAY for t in plan.times)
    return [counts[d] for d in range(plan.scenario.days)]


def test_it_follows_an_escalating_tempo_without_piling_up_the_last_day() -> None:
    sc = scenario(total_patients=30_000, days=20, tempo="escalating", intensity="low")
    counts = per_day(generation.make_plan(sc, 3))
    profile = tempo_profile("escalating", 20)
    expected = [30_000 * w / sum(profile) for w in profile]
    assert sum(counts[:5]) < sum(counts[-5:]) / 2
    # No leftovers dumped anywhere: every day within 35 % of its tempo share (sigma 0.15).
    assert all(abs(c - e) / e < 0.35 for c, e in zip(counts, expected, strict=True))
    assert counts[-1] < 1.35 * expected[-1]


def test_it_keeps_a_sustained_tempo_flat() -> None:
    counts = per_day(
        generation.make_plan(scenario(total_patients=10_007, days=7, intensity="low"), 9)
    )
    assert max(counts) / min(counts) < 1.6
    assert sum(counts) == 10_007


def test_it_spreads_days_more_at_higher_intensity() -> None:
    def spread(intensity: str) -> float:
        counts = per_day(
            generation.make_plan(scenario(total_patients=40_000, days=40, intensity=intensity), 4)
        )
        mean = sum(counts) / len(counts)
        return (sum((c - mean) ** 2 for c in counts) / len(counts)) ** 0.5 / mean

    assert spread("low") < spread("extreme")


def local_hours(plan: generation.Plan, only_battle: bool = True) -> Counter[int]:
    start: datetime = plan.scenario.start
    offset = start.hour * 3600 + start.minute * 60
    return Counter(
        ((t + offset) % DAY) // 3600
        for t, e in zip(plan.times, plan.event_of, strict=True)
        if not only_battle or plan.event_category[e] == 0
    )


def test_it_follows_each_warfare_types_hour_pattern() -> None:
    for warfare in ("artillery", "naval", "cbrn", "peacekeeping"):
        sc = scenario(
            total_patients=20_000,
            warfare={warfare: 1},
            start="2026-03-02T05:30:00+02:00",
            intensity="low",
        )
        observed = local_hours(generation.make_plan(sc, 5))
        pattern = reference.warfare()["types"][warfare]["hours"]
        total = sum(observed.values())
        expected = [total * w / sum(pattern) for w in pattern]
        # Casualties cluster in events, so compare shapes, not a Poisson chi-square.
        correlation = stats.pearsonr([observed[h] for h in range(24)], expected).statistic
        assert correlation > 0.9, warfare


def test_it_shifts_hours_into_the_night_for_night_operations() -> None:
    night = set(range(20, 24)) | set(range(0, 5))

    def night_share(environment: list[str]) -> float:
        hours = local_hours(
            generation.make_plan(scenario(total_patients=8000, environment=environment), 2)
        )
        return sum(hours[h] for h in night) / sum(hours.values())

    assert night_share(["night_operations"]) > 1.4 * night_share([])


def test_it_places_special_events_on_their_day_with_their_size() -> None:
    events = [
        {"type": "mass_casualty", "day": 3, "size": [40, 40]},
        {"type": "ambush", "day": 1, "size": [7, 7]},
    ]
    plan = generation.make_plan(scenario(total_patients=2000, special_events=events), 8)
    sizes = {}
    for index, kind in enumerate(plan.event_kind):
        if kind >= 3:
            days = {plan.times[i] // DAY for i in range(plan.total) if plan.event_of[i] == index}
            sizes[kind] = (plan.event_size[index], days)
    assert sizes == {5: (40, {2}), 4: (7, {0})}


def test_intensity_never_changes_the_count() -> None:
    for intensity in ("low", "extreme"):
        assert (
            generation.make_plan(scenario(total_patients=12_345, intensity=intensity), 1).total
            == 12_345
        )
