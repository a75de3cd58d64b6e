"""Scenario documents: validate one, and the saved scenarios with their versions.

Saving goes through ScenarioConfig's own methods (a new version whenever something
changed), as the pages do; another user's scenario is a 404 through the pages' helper.
"""

from typing import Any

from ninja import Router, Status

import generation
from jobs.api import auth
from jobs.api.errors import READ_ERRORS, WRITE_ERRORS, body_problem, invalid, scenario_problems
from jobs.api.schemas import (
    DocumentIn,
    ScenarioIn,
    ScenarioOut,
    ScenarioSummary,
    ValidationOut,
    VersionOut,
)
from jobs.infra.requests import AuthenticatedRequest
from jobs.scenarios.forms import name_taken
from jobs.scenarios.models import ScenarioConfig
from jobs.scenarios.views import export_response, get_scenario_for_user

router = Router(tags=["scenarios"])


@router.post("/validate", response={200: ValidationOut, **READ_ERRORS}, summary="Validate")
def validate(request: AuthenticatedRequest, payload: DocumentIn) -> dict[str, Any]:
    """Every problem with its path, as `manage.py generate` prints them; changes nothing."""
    try:
        scenario = generation.parse_scenario(payload.document)
    except generation.ScenarioError as error:
        issues = [{"path": i.path, "message": i.message} for i in error.issues]
        return {"valid": False, "issues": issues, "scenario": None}
    return {"valid": True, "issues": [], "scenario": scenario.to_dict()}


@router.get("", response={200: list[ScenarioSummary], **READ_ERRORS}, summary="List saved")
def list_scenarios(request: AuthenticatedRequest) -> Any:
    return ScenarioConfig.objects.for_user(request.user)


@router.post(
    "", auth=auth.write, response={201: ScenarioOut, **WRITE_ERRORS}, summary="Save a scenario"
)
def create_scenario(request: AuthenticatedRequest, payload: ScenarioIn) -> Status[ScenarioConfig]:
    name = _free(request, payload.name)
    try:
        config = ScenarioConfig.objects.create(
            owner=request.user,
            name=name,
            description=payload.description,
            document=payload.document,
        )
    except generation.ScenarioError as error:
        raise scenario_problems(error) from None
    return Status(201, config)


@router.get("/{scenario_id}", response={200: ScenarioOut, **READ_ERRORS}, summary="Read")
def read_scenario(request: AuthenticatedRequest, scenario_id: int) -> ScenarioConfig:
    return get_scenario_for_user(request, scenario_id)


@router.put(
    "/{scenario_id}",
    auth=auth.write,
    response={200: ScenarioOut, **WRITE_ERRORS},
    summary="Update (a new version)",
)
def update_scenario(
    request: AuthenticatedRequest, scenario_id: int, payload: ScenarioIn
) -> ScenarioConfig:
    """Replace name, description and document; a new version only if something changed."""
    config = get_scenario_for_user(request, scenario_id)
    name = _free(request, payload.name, config)
    try:
        config.revise(name, payload.description, payload.document)
    except generation.ScenarioError as error:
        raise scenario_problems(error) from None
    return config


@router.get(
    "/{scenario_id}/versions",
    response={200: list[VersionOut], **READ_ERRORS},
    summary="History (newest first)",
)
def scenario_history(request: AuthenticatedRequest, scenario_id: int) -> Any:
    return get_scenario_for_user(request, scenario_id).versions.all()


@router.get(
    "/{scenario_id}/export",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="Export a version's document",
)
def export_scenario(
    request: AuthenticatedRequest, scenario_id: int, version: int | None = None
) -> Any:
    """The document (current, or `?version=n`) as a JSON attachment, as the page sends it."""
    config = get_scenario_for_user(request, scenario_id)
    return export_response(config, "" if version is None else str(version))


@router.delete(
    "/{scenario_id}",
    auth=auth.write,
    response={204: None, **WRITE_ERRORS},
    summary="Delete (jobs keep their copy)",
)
def delete_scenario(request: AuthenticatedRequest, scenario_id: int) -> Status[None]:
    get_scenario_for_user(request, scenario_id).delete()
    return Status(204, None)


def _free(request: AuthenticatedRequest, name: str, config: ScenarioConfig | None = None) -> str:
    name = name.strip()
    if not name:
        raise invalid(body_problem("name", "The name must not be blank."))
    if name_taken(request.user, name, exclude=config):
        raise invalid(body_problem("name", "You already have a saved scenario with this name."))
    return name
