"""The scenario: its vocabulary, defaults and the frozen `Scenario` it is validated into.

Validation collects every problem at once, each with the path of the offending value
(`fronts[1].nationalities.XYZ: unknown nation`), so a user fixes a file in one pass.
Shares are fractions summing to 1 or percentages summing to 100; anything else is an
error, never silently normalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAX_PATIENTS = 2_000_000
MAX_DAYS = 60
MAX_FRONTS = 100
DEFAULT_START = "2026-03-02T06:00:00+00:00"
WARFARE_TYPES = (
    "conventional",
    "artillery",
    "urban",
    "guerrilla",
    "drone",
    "naval",
    "cbrn",
    "peacekeeping",
)
INTENSITIES = ("low", "medium", "high", "extreme")
TEMPOS = ("sustained", "escalating", "surge", "declining", "intermittent")
SPECIAL_EVENT_TYPES = ("offensive", "ambush", "mass_casualty")
# The agent of the cbrn warfare type (generation/data/cbrn.json).
CBRN_AGENTS = (
    "nerve",
    "blister",
    "choking",
    "blood",
    "anthrax",
    "plague",
    "botulism",
    "smallpox",
    "radiological",
)
DEFAULT_CBRN_AGENT = "nerve"
CLIMATES = ("temperate", "cold", "arid", "tropical")
CATEGORIES = ("battle_injury", "non_battle_injury", "disease")
CATEGORY_LABELS = {
    "battle_injury": "Battle injury",
    "non_battle_injury": "Non-battle injury",
    "disease": "Disease",
}
ROLES = ("R1", "R2", "R3", "R4")
PRECEDENCES = ("urgent", "urgent_surgical", "priority", "routine")
TRANSIT_LEGS = ("POI-R1", "R1-R2", "R2-R3", "R3-R4")
HOLDING_ROLES = ("R1", "R2", "R3")
DEFAULT_INJURY_MIX = {"battle_injury": 0.55, "non_battle_injury": 0.12, "disease": 0.33}
DEFAULT_FRONTS = [{"name": "Main", "share": 1, "nationalities": {"USA": 1}}]
# Where a front without an `area` lies: around the Grafenwöhr training area (Bavaria),
# the n-th such front 60 km further east than the one before, each 15 km in radius.
DEFAULT_AREA_CENTRE = (49.70, 11.90)
DEFAULT_AREA_STEP_EAST_KM = 60.0
DEFAULT_AREA_RADIUS_KM = 15.0
MAX_AREA_RADIUS_KM = 200.0
TOP_LEVEL_KEYS = frozenset(
    {
        "name",
        "title",
        "description",
        "total_patients",
        "days",
        "start",
        "seed",
        "warfare",
        "intensity",
        "tempo",
        "special_events",
        "environment",
        "fronts",
        "injury_mix",
        "demographics",
        "care",
        "outcomes",
        "clinical_detail",
        "capacity",
        "cbrn_agent",
        "climate",
    }
)
CAPACITY_ROLES = ("R1", "R2", "R3")
CAPACITY_SCOPES = ("theatre", "front")
LIFT_MODES = ("ground", "air")

Window = tuple[float, float, float]


@dataclass(frozen=True)
class Issue:
    """One validation problem: where it is and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(ValueError):
    """A scenario document failed validation; `issues` lists every problem."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(issue) for issue in issues))


@dataclass(frozen=True)
class SpecialEvent:
    type: str
    day: int | None
    size: tuple[int, int]


@dataclass(frozen=True)
class Front:
    name: str
    share: float
    nationalities: tuple[tuple[str, float], ...]
    # Where its casualties are picked up: latitude and longitude of the centre (WGS84
    # degrees) and radius (km). 9-line grids lie inside it.
    area: tuple[float, float, float] = (*DEFAULT_AREA_CENTRE, DEFAULT_AREA_RADIUS_KM)


@dataclass(frozen=True)
class Care:
    """The chain of care: which roles exist, and time windows in minutes."""

    roles: tuple[str, ...]
    transit: tuple[tuple[str, tuple[tuple[str, Window], ...]], ...]
    holding: tuple[tuple[str, tuple[tuple[str, Window], ...]], ...]


@dataclass(frozen=True)
class Lift:
    """One mode of evacuation lift on one leg: a pool of vehicles."""

    mode: str  # ground | air
    vehicles: int
    patients_per_trip: int
    turnaround_minutes: float
    precedences: tuple[str, ...]  # who may use it


@dataclass(frozen=True)
class Capacity:
    """How much care there is; a role or leg left out has no limit.

    `scope` "front" gives every front its own facilities and lift of these sizes;
    "theatre" shares one set between all fronts.
    """

    scope: str
    beds: tuple[tuple[str, int], ...]  # role -> patients held at once
    teams: tuple[tuple[str, int], ...]  # role -> treatment (R1) or surgical teams
    case_minutes: tuple[tuple[str, float], ...]  # role -> minutes a team spends on a case
    lift: tuple[tuple[str, tuple[Lift, ...]], ...]  # leg -> its modes

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "beds": dict(self.beds),
            "teams": dict(self.teams),
            "case_minutes": dict(self.case_minutes),
            "lift": {
                leg: {
                    lift.mode: {
                        "vehicles": lift.vehicles,
                        "patients_per_trip": lift.patients_per_trip,
                        "turnaround_minutes": lift.turnaround_minutes,
                        "precedences": list(lift.precedences),
                    }
                    for lift in modes
                }
                for leg, modes in self.lift
            },
        }


@dataclass(frozen=True)
class Scenario:
    """A validated, immutable scenario. Build it with `generation.parse_scenario`."""

    total_patients: int
    days: int
    start: datetime
    seed: int | None
    warfare: tuple[tuple[str, float], ...]
    intensity: str
    tempo: str
    special_events: tuple[SpecialEvent, ...]
    environment: tuple[str, ...]
    fronts: tuple[Front, ...]
    injury_mix: tuple[tuple[str, float], ...]
    female_share: float
    care: Care
    kia_probability: float
    mascal_kia_probability: float
    clinical_detail: bool = True
    cbrn_agent: str = DEFAULT_CBRN_AGENT
    climate: str = "temperate"  # temperate, cold, arid or tropical (generation/climate.py)
    name: str = ""
    title: str = ""
    description: str = ""
    capacity: Capacity | None = None  # None: unlimited care, as before capacity existed

    def to_dict(self) -> dict[str, Any]:
        """The normalised document (fractions, defaults filled in); JSON-ready."""
        document: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "total_patients": self.total_patients,
            "days": self.days,
            "start": self.start.isoformat(),
            "seed": self.seed,
            "warfare": dict(self.warfare),
            "intensity": self.intensity,
            "tempo": self.tempo,
            "special_events": [
                {"type": e.type, "day": e.day, "size": list(e.size)} for e in self.special_events
            ],
            "environment": list(self.environment),
            "fronts": [
                {
                    "name": f.name,
                    "share": f.share,
                    "nationalities": dict(f.nationalities),
                    "area": {
                        "latitude": f.area[0],
                        "longitude": f.area[1],
                        "radius_km": f.area[2],
                    },
                }
                for f in self.fronts
            ],
            "injury_mix": dict(self.injury_mix),
            "demographics": {"female_share": self.female_share},
            "care": {
                "roles": list(self.care.roles),
                "transit": {leg: _windows_out(w) for leg, w in self.care.transit},
                "holding": {role: _windows_out(w) for role, w in self.care.holding},
            },
            "outcomes": {
                "kia_probability": self.kia_probability,
                "mascal_kia_probability": self.mascal_kia_probability,
            },
            "clinical_detail": self.clinical_detail,
            "cbrn_agent": self.cbrn_agent,
            "climate": self.climate,
        }
        if self.capacity is not None:  # absent otherwise: such manifests stay as they were
            document["capacity"] = self.capacity.to_dict()
        return document


def _windows_out(windows: tuple[tuple[str, Window], ...]) -> dict[str, list[float]]:
    return {precedence: list(window) for precedence, window in windows}
