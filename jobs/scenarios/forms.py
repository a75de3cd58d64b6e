"""Forms of the saved-scenario pages: the job form's fields, a name, and file import."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

import generation
from jobs.scenario_form.fields import parse_scenario_json, read_scenario_upload
from jobs.scenario_form.form import ScenarioForm
from jobs.scenarios.models import ScenarioConfig

NAME_LENGTH = 200


class SavedScenarioForm(ScenarioForm):
    """The new-job form without output formats: those belong to a job, not a scenario."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["output_formats"].required = False

    def normalised_document(self) -> dict[str, Any]:
        """The accepted document as the engine normalises it (what versions compare)."""
        return self.scenario().to_dict()  # validated once, in clean()


class ScenarioMetaForm(forms.Form):
    """A saved scenario's name (unique per owner) and description."""

    name = forms.CharField(label="Name", max_length=NAME_LENGTH)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the scenario is for; kept with each version.",
    )

    def __init__(self, *args: Any, owner: Any, config: ScenarioConfig | None = None, **kwargs: Any):
        kwargs.setdefault("prefix", "meta")
        super().__init__(*args, **kwargs)
        self.owner, self.config = owner, config

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if name_taken(self.owner, name, exclude=self.config):
            raise ValidationError("You already have a saved scenario with this name.")
        return name


class ImportForm(forms.Form):
    """A scenario JSON file (the same document `manage.py generate --scenario` reads)."""

    file = forms.FileField(
        label="Scenario file (JSON)",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    name = forms.CharField(
        label="Name",
        max_length=NAME_LENGTH,
        required=False,
        help_text="Leave blank to use the scenario's title or the file name.",
    )

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        document = parse_scenario_json(read_scenario_upload(upload))
        try:
            return generation.normalise_scenario(document)
        except generation.ScenarioError as error:
            raise ValidationError([str(issue) for issue in error.issues]) from None

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if name and name_taken(self.owner, name):
            raise ValidationError("You already have a saved scenario with this name.")
        return name

    def chosen_name(self) -> str:
        """The typed name, else a free one from the document's title or the file name."""
        if self.cleaned_data["name"]:
            return str(self.cleaned_data["name"])
        document = self.cleaned_data["file"]
        upload = cast("UploadedFile[Any]", self.files["file"])  # a single file field: one upload
        base = document.get("title") or document.get("name") or PurePath(upload.name or "").stem
        return free_name(self.owner, str(base))


def name_taken(owner: Any, name: str, exclude: ScenarioConfig | None = None) -> bool:
    mine = ScenarioConfig.objects.for_user(owner).filter(name=name)
    return mine.exclude(pk=exclude.pk).exists() if exclude else mine.exists()


def free_name(owner: Any, base: str) -> str:
    """`base`, or `base (2)`, `base (3)`... whichever the owner does not use yet."""
    base = base.strip()[: NAME_LENGTH - 8] or "Scenario"
    taken = set(
        ScenarioConfig.objects.for_user(owner)
        .filter(name__startswith=base)
        .values_list("name", flat=True)
    )
    candidates = (base if n == 1 else f"{base} ({n})" for n in range(1, len(taken) + 2))
    return next(name for name in candidates if name not in taken)
