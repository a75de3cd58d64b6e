"""GET /presets, /presets/{name}: the shipped scenarios, read-only."""

from typing import Any

from django.http import Http404
from ninja import Router

import generation
from jobs.api.errors import READ_ERRORS
from jobs.api.schemas import PresetOut, PresetSummary
from jobs.infra.requests import AuthenticatedRequest

router = Router(tags=["presets"])


@router.get("", response={200: list[PresetSummary], **READ_ERRORS}, summary="List presets")
def list_presets(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    return generation.preset_catalog()


@router.get("/{name}", response={200: PresetOut, **READ_ERRORS}, summary="Read a preset")
def read_preset(request: AuthenticatedRequest, name: str) -> dict[str, Any]:
    """The preset's scenario document, ready to change and send to POST /jobs."""
    if name not in generation.preset_names():
        raise Http404("No such preset.")
    return {"name": name, "document": generation.load_preset(name)}
