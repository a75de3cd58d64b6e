"""Request and response shapes of the API; Django Ninja writes the OpenAPI schema from them."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

import generation
from jobs.runs import progress
from jobs.runs.models import Job

# Built from the engine's list so a new writer appears in the schema by itself.
Format = Literal[tuple(generation.FORMATS)]  # type: ignore[valid-type]
MAX_SEED = 2**63 - 1
MAX_PATIENTS = generation.scenario.MAX_PATIENTS


def _no_nul(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold U+0000: refuse it here (422), not at the database."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    if isinstance(value, dict):
        items: Any = [*value.keys(), *value.values()]
    else:
        items = value if isinstance(value, list) else ()
    for item in items:
        _no_nul(item)
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Document = Annotated[dict[str, Any], AfterValidator(_no_nul)]


class Problem(Schema):
    """One thing wrong with a request: where (`loc`, from `body`/`query`/`path`) and what."""

    model_config = ConfigDict(extra="allow")
    type: str
    loc: list[str | int]
    msg: str


class ProblemsOut(Schema):
    detail: list[Problem]


class ErrorOut(Schema):
    detail: str


class PresetSummary(Schema):
    name: str
    title: str
    description: str
    total_patients: int
    days: int


class PresetOut(Schema):
    name: str
    document: dict[str, Any]


class DocumentIn(Schema):
    document: Document = Field(description="A scenario document (docs/scenarios.md).")


class Issue(Schema):
    path: str = Field(description="Where in the document, e.g. `fronts[1].share`.")
    message: str


class ValidationOut(Schema):
    valid: bool
    issues: list[Issue] = Field(description="Every problem found; empty when valid.")
    scenario: dict[str, Any] | None = Field(description="The normalised document when valid.")


class ScenarioIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    description: Text = Field("", max_length=5000)
    document: Document


class ScenarioSummary(Schema):
    id: int
    name: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime


class ScenarioOut(ScenarioSummary):
    document: dict[str, Any]


class VersionOut(Schema):
    version: int
    name: str
    description: str
    created_at: datetime
    document: dict[str, Any]


class JobIn(Schema):
    """Exactly one of `document`, `preset` or `scenario_id` says what to generate."""

    document: Document | None = Field(None, description="A scenario document.")
    preset: Text | None = Field(None, description="A shipped preset's name (GET /presets).")
    scenario_id: int | None = Field(None, description="One of your saved scenarios.")
    formats: list[Format] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["json", "csv"], min_length=1
    )
    seed: int | None = Field(None, ge=0, le=MAX_SEED, description="Overrides the scenario's.")
    total_patients: int | None = Field(
        None, ge=1, le=MAX_PATIENTS, description="Overrides the scenario's count."
    )


class JobState(Schema):
    """The job page's live status, as the page, its websocket and its poll all see it."""

    id: str
    status: Job.Status
    status_label: str
    phase: Job.Phase
    phase_label: str
    message: str
    done: int
    total: int
    percent: float
    rate: float
    eta_seconds: float | None
    queue_position: int | None
    error: str
    finished: bool


class JobSummary(Schema):
    id: UUID
    title: str
    status: Job.Status
    formats: list[str]
    seed: int
    total: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    scenario_id: int | None = Field(description="The saved scenario it came from, if any.")
    scenario_version: int | None = Field(description="That scenario's version number.")

    @staticmethod
    def resolve_scenario_id(job: Job) -> int | None:
        return job.scenario_version.config_id if job.scenario_version else None

    @staticmethod
    def resolve_scenario_version(job: Job) -> int | None:
        return job.scenario_version.version if job.scenario_version else None


class JobOut(JobSummary):
    state: JobState
    scenario: dict[str, Any] = Field(description="The job's own copy of the scenario.")
    summary: dict[str, Any] = Field(description="Counts by category, triage and outcome.")

    @staticmethod
    def resolve_state(job: Job) -> dict[str, Any]:
        return progress.payload(job)


class FileOut(Schema):
    name: str
    size: int = Field(description="Bytes.")
    sha256: str
    content_type: str
    url: str = Field(description="Download path; send `Range: bytes=n-` to resume.")
