"""At a fixed seed and N = 20,000, realised shares match the scenario (chi-square / binomial)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scipy import stats

import generation
from generation import reference
from tests.engine.conftest import records_for, scenario

ALPHA = 0.001  # fixed seed: a failure means a real bias, not bad luck


def chi_square_p(observed: Counter[str], expected_shares: dict[str, float]) -> float:
    total = sum(observed.values())
    keys = sorted(expected_shares)
    assert set(observed) <= set(keys), set(observed) - set(keys)
    result = stats.chisquare(
        [observed[k] for k in keys], [total * expected_shares[k] for k in keys]
    )
    return float(result.pvalue)


Run = tuple[generation.Scenario, list[dict[str, Any]]]


def test_injury_mix(large_run: Run) -> None:
    sc, records = large_run
    assert chi_square_p(Counter(r["category"] for r in records), dict(sc.injury_mix)) > ALPHA


def test_front_shares(large_run: Run) -> None:
    sc, records = large_run
    shares = {f.name: f.share for f in sc.fronts}
    assert chi_square_p(Counter(r["front"] for r in records), shares) > ALPHA


def test_nationality_per_front(large_run: Run) -> None:
    sc, records = large_run
    for front in sc.fronts:
        if len(front.nationalities) > 1:
            observed = Counter(r["nationality"] for r in records if r["front"] == front.name)
            assert chi_square_p(observed, dict(front.nationalities)) > ALPHA, front.name


def test_sex_ratio(large_run: Run) -> None:
    sc, records = large_run
    women = sum(r["sex"] == "female" for r in records)
    assert stats.binomtest(women, len(records), sc.female_share).pvalue > ALPHA


def test_blood_groups(large_run: Run) -> None:
    _, records = large_run
    shares = reference.people()["blood_groups"]["*"]
    finnish = Counter(r["blood_group"] for r in records if r["nationality"] == "FIN")
    assert chi_square_p(finnish, shares) > ALPHA


def test_triage_shares_of_battle_casualties(large_run: Run) -> None:
    """Triage now comes from a triage sieve of each casualty's physiology, so the shares
    are checked against the sourced range (CALIBRATION.md S4: T1 0.15-0.40, T3
    0.35-0.65) rather than the severity weights the wounds are drawn with."""
    _, records = large_run
    observed = Counter(
        r["triage"] for r in records if r["category"] == "battle_injury" and r["outcome"] != "KIA"
    )
    total = sum(observed.values())
    assert 0.15 <= observed["T1"] / total <= 0.40
    assert 0.35 <= observed["T3"] / total <= 0.65
    assert observed["T2"] / total >= 0.08


def test_ages_follow_the_casualty_profile(large_run: Run) -> None:
    _, records = large_run
    ages = sorted(r["age"] for r in records)
    quartiles = ages[len(ages) // 4], ages[len(ages) // 2], ages[3 * len(ages) // 4]
    assert 20 <= quartiles[0] <= 22 and 23 <= quartiles[1] <= 25 and 28 <= quartiles[2] <= 30
    assert ages[0] >= 18 and ages[-1] <= 60


def test_wound_anatomy_follows_the_published_distribution(large_run: Run) -> None:
    _, records = large_run
    region_of_site = {}
    for region, sites in reference.conditions()["sites"].items():
        for code, _ in sites:
            region_of_site[code] = region
    observed: Counter[str] = Counter()
    for r in records:
        if r["category"] == "battle_injury" and r["outcome"] != "KIA":
            site = r["conditions"][0]["body_site"]
            if site and site["code"] in region_of_site:
                observed[region_of_site[site["code"]]] += 1
    total = sum(observed.values())
    extremities = (observed["lower_limb"] + observed["upper_limb"]) / total
    assert 0.43 <= extremities <= 0.75  # CALIBRATION.md S3
    assert 0.04 <= observed["thorax"] / total <= 0.19
    assert 0.02 <= observed["abdomen"] / total <= 0.15


def test_mass_casualties_are_flagged_sparingly_by_default(large_run: Run) -> None:
    _, records = large_run
    flagged = sum(1 for r in records if r["mass_casualty"])
    assert 0.01 < flagged / len(records) < 0.25


def test_every_casualty_of_a_mass_casualty_event_is_flagged() -> None:
    events = [{"type": "mass_casualty", "day": 2, "size": [12, 12]}]
    records = records_for(scenario(total_patients=200, days=3, special_events=events))
    in_event = [r for r in records if r["special_event"] == "mass_casualty"]
    assert len(in_event) == 12 and all(r["mass_casualty"] for r in in_event)
