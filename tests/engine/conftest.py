"""Engine tests: plain Python, no database, no Redis."""

from __future__ import annotations

from typing import Any

import pytest

import generation
from tests.documents import scenario_doc


def scenario(**overrides: Any) -> generation.Scenario:
    return generation.parse_scenario(scenario_doc(**overrides))


def records_for(sc: generation.Scenario, seed: int = 7) -> list[dict[str, Any]]:
    plan = generation.make_plan(sc, seed)
    return generation.generate_chunk(plan, 0, plan.total)


@pytest.fixture(scope="session")
def large_run() -> tuple[generation.Scenario, list[dict[str, Any]]]:
    """20,000 patients at a fixed seed, shared by the distribution tests."""
    sc = scenario(total_patients=20_000, days=10)
    return sc, records_for(sc, seed=20_000)


@pytest.fixture(scope="session")
def default_run() -> list[dict[str, Any]]:
    """The defaults (conventional, default injury mix and outcomes) at 20,000 patients."""
    sc = generation.parse_scenario({"total_patients": 20_000, "days": 10})
    return records_for(sc, seed=11)
