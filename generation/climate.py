"""The theatre's climate and season, and what they (and sex) do to disease and non-battle
injury: weights per condition from data/climate.json. Compiled once per scenario."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from generation import reference
from generation.scenario import Scenario

SEASONS_NORTH = (
    "winter", "winter", "spring", "spring", "spring", "summer",
    "summer", "summer", "autumn", "autumn", "autumn", "winter",
)  # fmt: skip
OPPOSITE = {"winter": "summer", "summer": "winter", "spring": "autumn", "autumn": "spring"}
TROPIC = 23.5
COLD_LATITUDE = 60.0


def derived_climate(latitudes: list[float], environment: tuple[str, ...]) -> str:
    """The default climate of fronts at these latitudes in this environment."""
    if "extreme_heat" in environment or "desert" in environment:
        return "arid"
    mean = sum(abs(latitude) for latitude in latitudes) / len(latitudes)
    if "extreme_cold" in environment or mean >= COLD_LATITUDE:
        return "cold"
    return "tropical" if mean < TROPIC else "temperate"


def season(scenario: Scenario) -> str:
    """The season of the scenario's middle day in its fronts' hemisphere."""
    middle = scenario.start + timedelta(days=scenario.days / 2)
    north = sum(f.area[0] for f in scenario.fronts) >= 0
    name = SEASONS_NORTH[middle.month - 1]
    return name if north else OPPOSITE[name]


def weight_factor(code: str, climate: str, season_name: str, female: bool) -> float:
    """How much climate, season and sex change a condition's weight."""
    data = reference.climate()
    factor = 1.0
    spec: dict[str, Any] = data["factors"].get(code, {})
    factor *= spec.get("climate", {}).get(climate, 1.0)
    factor *= spec.get("season", {}).get(season_name, 1.0)
    factor *= spec.get(f"season_{climate}", {}).get(season_name, 1.0)
    sexes = data["sex_factors"].get(code)
    if sexes is not None:
        factor *= sexes[1 if female else 0]
    return float(factor)


def environmental_share(kind: str, climate: str, season_name: str) -> float:
    """Share of non-battle injuries that are heat (`kind` "heat") or cold injuries."""
    by_season = reference.climate()["environmental_shares"][kind].get(climate, {})
    return float(by_season.get(season_name, by_season.get("*", 0.0)))
