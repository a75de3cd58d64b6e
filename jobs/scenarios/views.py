"""Saved scenario pages: list, create, edit, history, clone, delete, import, export.

Every view loads a scenario through `get_scenario_for_user`: another user's id is a 404.
Shipped presets are shown read-only and can be cloned into a saved scenario.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

import generation
from jobs.infra.requests import AuthenticatedRequest
from jobs.scenarios import diff
from jobs.scenarios.forms import (
    ImportForm,
    SavedScenarioForm,
    ScenarioMetaForm,
    free_name,
)
from jobs.scenarios.models import ScenarioConfig, ScenarioVersion


def get_scenario_for_user(request: AuthenticatedRequest, scenario_id: int) -> ScenarioConfig:
    """The saved scenario, if the user owns it; 404 otherwise."""
    return get_object_or_404(ScenarioConfig.objects.for_user(request.user), pk=scenario_id)


def _get_preset(name: str) -> dict[str, Any]:
    if name not in generation.preset_names():
        raise Http404("No such preset.")
    return generation.load_preset(name)


def scenario_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "scenarios": ScenarioConfig.objects.for_user(request.user),
        "presets": generation.preset_catalog(),
        "import_form": ImportForm(owner=request.user),
    }
    return render(request, "scenarios/scenario_list.html", context)


def scenario_new(request: AuthenticatedRequest) -> HttpResponse:
    return _scenario_form(request, None)


def scenario_edit(request: AuthenticatedRequest, scenario_id: int) -> HttpResponse:
    return _scenario_form(request, get_scenario_for_user(request, scenario_id))


def scenario_detail(request: AuthenticatedRequest, scenario_id: int) -> HttpResponse:
    config = get_scenario_for_user(request, scenario_id)
    # Jobs sit above saved scenarios (a job points at the version it came from), so the
    # model is looked up by name, as that foreign key does, rather than imported upwards.
    job_model = apps.get_model("jobs", "Job")
    jobs = job_model.objects.filter(owner=request.user, scenario_version__config=config)
    context = {
        "config": config,
        "jobs": jobs.select_related("scenario_version")[:20],
        "document_json": json.dumps(config.document, indent=2, ensure_ascii=False),
    }
    return render(request, "scenarios/scenario_detail.html", context)


def scenario_history(request: AuthenticatedRequest, scenario_id: int) -> HttpResponse:
    config = get_scenario_for_user(request, scenario_id)
    versions = list(config.versions.all())  # newest first
    old, new = _compared(request, config, versions)
    context = {"config": config, "versions": versions, "old": old, "new": new}
    if old and new:
        context["changes"] = diff.changes(old, new)
        context["diff"] = diff.unified(old, new)
    return render(request, "scenarios/scenario_history.html", context)


@require_POST
def scenario_clone(request: AuthenticatedRequest, scenario_id: int) -> HttpResponse:
    config = get_scenario_for_user(request, scenario_id)
    copy = ScenarioConfig.objects.create(
        owner=request.user,
        name=free_name(request.user, f"{config.name} (copy)"),
        description=config.description,
        document=config.document,
    )
    messages.success(request, f"Cloned “{config.name}” as “{copy.name}”.")
    return redirect("scenario_detail", scenario_id=copy.pk)


def scenario_delete(request: AuthenticatedRequest, scenario_id: int) -> HttpResponse:
    config = get_scenario_for_user(request, scenario_id)
    if request.method != "POST":
        return render(request, "scenarios/scenario_delete.html", {"config": config})
    config.delete()  # its jobs keep their own copy of the scenario
    messages.success(request, f"Deleted the saved scenario “{config.name}”.")
    return redirect("scenario_list")


def scenario_generate(request: AuthenticatedRequest, scenario_id: int) -> HttpResponse:
    config = get_scenario_for_user(request, scenario_id)
    return redirect(f"{reverse('job_new')}?scenario={config.pk}")


def scenario_export(request: AuthenticatedRequest, scenario_id: int) -> HttpResponse:
    """The scenario document (current or ?version=n) as a JSON download."""
    config = get_scenario_for_user(request, scenario_id)
    return export_response(config, request.GET.get("version", ""))


def export_response(config: ScenarioConfig, asked: str = "") -> HttpResponse:
    """Version `asked` (default: the current one) as a JSON attachment; 404 if none such."""
    version = config.versions.filter(version=asked).first() if asked.isdigit() else None
    if asked and version is None:
        raise Http404("No such version.")
    document, number = (
        (version.document, version.version) if version else (config.document, config.version)
    )
    body = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"{slugify(config.name) or 'scenario'}-v{number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def scenario_import(request: AuthenticatedRequest) -> HttpResponse:
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ImportForm(data, files, owner=request.user)
    if request.method == "POST" and form.is_valid():
        config = ScenarioConfig.objects.create(
            owner=request.user, name=form.chosen_name(), document=form.cleaned_data["file"]
        )
        messages.success(request, f"Imported “{config.name}”.")
        return redirect("scenario_detail", scenario_id=config.pk)
    return render(request, "scenarios/scenario_import.html", {"form": form})


@require_safe
def preset_detail(request: AuthenticatedRequest, name: str) -> HttpResponse:
    document = _get_preset(name)
    context = {"name": name, "document": document, "document_json": json.dumps(document, indent=2)}
    return render(request, "scenarios/preset_detail.html", context)


@require_POST
def preset_clone(request: AuthenticatedRequest, name: str) -> HttpResponse:
    document = generation.normalise_scenario(_get_preset(name))
    config = ScenarioConfig.objects.create(
        owner=request.user,
        name=free_name(request.user, document.get("title") or name),
        description=document.get("description", ""),
        document=document,
    )
    messages.success(request, f"Saved the preset as “{config.name}”; it is yours to edit.")
    return redirect("scenario_detail", scenario_id=config.pk)


def _scenario_form(request: AuthenticatedRequest, config: ScenarioConfig | None) -> HttpResponse:
    """Create (config None) or edit: the job form's fields plus a name and description."""
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = SavedScenarioForm(data=data, files=files, initial=_initial(request, config))
    meta = ScenarioMetaForm(data, owner=request.user, config=config, initial=_meta(config))
    if request.method == "POST" and form.is_valid() and meta.is_valid():
        config = _save(request, config, meta.cleaned_data, form.normalised_document())
        return redirect("scenario_detail", scenario_id=config.pk)
    context: dict[str, Any] = {"form": form, "meta": meta, "config": config}
    context["presets"] = generation.preset_catalog()
    return render(request, "scenarios/scenario_form.html", context)


def _save(
    request: AuthenticatedRequest,
    config: ScenarioConfig | None,
    meta: dict[str, Any],
    document: dict[str, Any],
) -> ScenarioConfig:
    if config is None:
        config = ScenarioConfig.objects.create(owner=request.user, document=document, **meta)
        messages.success(request, f"Saved “{config.name}”.")
    elif config.revise(meta["name"], meta["description"], document):
        messages.success(request, f"Saved version {config.version} of “{config.name}”.")
    else:
        messages.info(request, "Nothing changed, so no new version was made.")
    return config


def _initial(request: AuthenticatedRequest, config: ScenarioConfig | None) -> dict[str, Any] | None:
    if name := request.GET.get("preset"):
        return SavedScenarioForm.initial_from_preset(name)
    return SavedScenarioForm.initial_from_document(config.document) if config else None


def _meta(config: ScenarioConfig | None) -> dict[str, str]:
    return {"name": config.name, "description": config.description} if config else {}


def _compared(
    request: AuthenticatedRequest, config: ScenarioConfig, versions: list[ScenarioVersion]
) -> tuple[ScenarioVersion | None, ScenarioVersion | None]:
    """The two versions to compare: ?a=&b=, by default the previous and the current."""
    by_number = {str(v.version): v for v in versions}
    new = by_number.get(request.GET.get("b", str(config.version)))
    old = by_number.get(request.GET.get("a", str(config.version - 1)))
    return old, new
