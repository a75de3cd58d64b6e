"""The "New job" scenario form: every scenario key as a field, checked by the engine.

The form builds a scenario document (the keys of docs/engine-api.md) from its fields
and two formsets (special events, fronts; see jobs.scenario_form.rows), or takes a pasted or
uploaded JSON document instead. Either way `generation.parse_scenario` has the last
word, and each engine issue is shown next to the field it came from, in words a planner
understands. Shares are typed as percentages and stored as fractions.

One submission shows every problem: the engine also checks the document built from
the fields when the form's own checks failed, with the rejected values left out, and
its issues about what the form already shows are dropped.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict

import generation
from jobs.scenario_form import sections
from jobs.scenario_form.fields import (
    CATEGORIES,
    ENVIRONMENT,
    FORM_KEYS,
    FORMATS,
    MAX_DAYS,
    WARFARE_FIELDS,
    WARFARE_TYPES,
    ScenarioFields,
    as_sentence,
    fraction_of,
    nearly_equal,
    parse_local_datetime,
    parse_scenario_json,
    parse_settings_json,
    percent_strings,
    percent_total_error,
    read_scenario_upload,
    settings_json,
    start_initial,
    time_zone_choices_for,
    time_zone_for,
    warfare_initial,
    warfare_weight_fields,
    warfare_weights,
)
from jobs.scenario_form.rows import (
    BaseEventFormSet,
    BaseFrontFormSet,
    EventFormSet,
    FrontFormSet,
    RowFormSet,
)

# Engine issue paths -> the field that shows them. Issues of a row (`fronts[1]...`) go to
# its formset (jobs.scenario_form.rows); any other path goes to the top of the form.
FIELD_OF_PATH: dict[str, str] = {
    **{name: name for name in ("title", "total_patients", "days", "start", "seed")},
    **{name: name for name in ("intensity", "tempo", "environment")},
    **{f"warfare.{kind}": f"warfare_{kind}" for kind, _ in WARFARE_TYPES},
    **{f"injury_mix.{category}": f"injury_{category}" for category, _ in CATEGORIES},
    **sections.FIELD_OF_PATH,
}
DEFAULT_INITIAL: dict[str, Any] = {
    "title": "",
    "total_patients": 1000,
    "days": 8,
    "start": "2026-03-02T06:00",
    "time_zone": "+00:00",
    "seed": None,
    **{f"warfare_{kind}": "" for kind, _ in WARFARE_TYPES},
    "warfare_conventional": "1",
    "intensity": "medium",
    "tempo": "sustained",
    "environment": [],
    "injury_battle_injury": "55",
    "injury_non_battle_injury": "12",
    "injury_disease": "33",
    "output_formats": ["json", "csv"],
    "scenario_json": "",
    "extra_json": "",
    "special_events": [],
    "fronts": [{"name": "Main", "share": "100", "nationalities": "USA 100"}],
    **sections.initial_for({}),
}


class ScenarioForm(ScenarioFields):
    """The whole scenario; `scenario_document()` and `formats()` once it is valid.

    The fields are declared in jobs.scenario_form.fields.ScenarioFields; the rows are the
    `event_formset` and `front_formset` (jobs.scenario_form.rows).
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: MultiValueDict[str, UploadedFile[Any]] | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        initial = {**copy.deepcopy(DEFAULT_INITIAL), **(initial or {})}
        super().__init__(data, files, initial=initial)
        # The warfare weights follow the engine's list (a new type needs no edit here),
        # on the page after the seed.
        names = list(self.fields)
        after = names.index("seed") + 1
        weights = warfare_weight_fields()
        self.fields = {
            **{name: self.fields[name] for name in names[:after]},
            **weights,
            **{name: self.fields[name] for name in names[after:]},
            **sections.setting_fields(),
        }
        bound = self.is_bound
        # formset_factory makes subclasses of the Base*FormSet classes given to it.
        self.event_formset = cast(
            BaseEventFormSet,
            EventFormSet(
                self.data if bound else None,
                prefix="events",
                initial=None if bound else initial["special_events"],
            ),
        )
        self.front_formset = cast(
            BaseFrontFormSet,
            FrontFormSet(
                self.data if bound else None,
                prefix="fronts",
                initial=None if bound else initial["fronts"],
            ),
        )
        self._row_formsets: dict[str, RowFormSet] = {
            formset.engine_key: formset for formset in (self.event_formset, self.front_formset)
        }
        self.section_errors = {
            "warfare": self.error_class(error_class="section"),
            "injury_mix": self.error_class(error_class="section"),
        }
        self.uses_json = bound and bool(
            str(self.data.get("scenario_json", "")).strip() or self.files.get("scenario_file")
        )
        self.preset_name: str = initial.get("preset", "")
        self._document: dict[str, Any] | None = None
        self._scenario: generation.Scenario | None = None
        self._json_field = "scenario_json"
        current_zone = self["time_zone"].value() or ""
        self.fields["time_zone"].widget.choices = time_zone_choices_for(current_zone)

    # -- public API ----------------------------------------------------------------

    @classmethod
    def initial_from_preset(cls, name: str) -> dict[str, Any]:
        """Initial data for a shipped preset; an unknown name gives the defaults."""
        if name not in generation.preset_names():
            return copy.deepcopy(DEFAULT_INITIAL)
        return copy.deepcopy(_preset_initial(name))

    @classmethod
    def initial_from_document(cls, document: Mapping[str, Any]) -> dict[str, Any]:
        """Initial data for a document; what the fields can't hold goes to the JSON box."""
        try:
            initial = _initial_fields(document)
        except (TypeError, ValueError, KeyError, AttributeError):
            initial = copy.deepcopy(DEFAULT_INITIAL)
        if not cls._holds(document, initial):
            initial["scenario_json"] = json.dumps(document, indent=2, ensure_ascii=False)
        return initial

    @classmethod
    def data_from_initial(cls, initial: Mapping[str, Any]) -> dict[str, Any]:
        """What a browser posts for an untouched form showing `initial` (formsets included)."""
        merged = {**copy.deepcopy(DEFAULT_INITIAL), **initial}
        data: dict[str, Any] = {}
        for name in FIELD_NAMES:
            value = merged.get(name)
            if isinstance(value, list | tuple):
                data[name] = [str(item) for item in value]
            elif name != "scenario_file":
                data[name] = "" if value is None else str(value)
        events = RowFormSet.posted_data("events", merged["special_events"])
        return data | events | RowFormSet.posted_data("fronts", merged["fronts"])

    @property
    def preset_data(self) -> dict[str, dict[str, Any]]:
        """Every preset's initial data, for the page's instant preset filling."""
        return {name: _preset_initial(name) for name in generation.preset_names()}

    @property
    def kept_settings(self) -> list[str]:
        """Document keys the fields don't show but the scenario keeps (e.g. `care`)."""
        extra = parse_settings_json(str(self["extra_json"].value() or "")) or {}
        return sorted(set(extra) - {"name", "description"})

    @property
    def warfare_fields(self) -> list[forms.BoundField]:
        """The warfare weights for the page, in the engine's order."""
        return [self[f"warfare_{kind}"] for kind, _ in WARFARE_TYPES]

    @property
    def setting_sections(self) -> list[dict[str, Any]]:
        """The collapsed sections of less-used keys: section, its fields in (heading, fields)
        groups, open (when a field has errors)."""
        shown = []
        for section in sections.SECTIONS:
            fields = [self[setting.name] for setting in section.settings]
            is_open = self.is_bound and any(field.errors for field in fields)
            groups: list[tuple[str, list[forms.BoundField]]] = []
            for setting, field in zip(section.settings, fields, strict=True):
                if not groups or groups[-1][0] != setting.group:
                    groups.append((setting.group, []))
                groups[-1][1].append(field)
            shown.append({"section": section, "groups": groups, "open": is_open})
        return shown

    @property
    def event_rows(self) -> list[tuple[forms.Form, bool]]:
        """(row, is_template) for the page: the rows, then the blank row JS copies."""
        return self.event_formset.page_rows()

    @property
    def front_rows(self) -> list[tuple[forms.Form, bool]]:
        """(row, is_template) for the page: the rows, then the blank row JS copies."""
        return self.front_formset.page_rows()

    def scenario_document(self) -> dict[str, Any]:
        """The scenario document the engine accepted; only after `is_valid()`."""
        if not self.is_valid() or self._document is None:
            raise ValueError("scenario_document() needs a valid form")
        return copy.deepcopy(self._document)

    def scenario(self) -> generation.Scenario:
        """The engine's scenario from that document (validated once, in `clean`)."""
        if not self.is_valid() or self._scenario is None:
            raise ValueError("scenario() needs a valid form")
        return self._scenario

    def formats(self) -> tuple[str, ...]:
        """The chosen output formats, in a fixed order."""
        chosen = set(self.cleaned_data["output_formats"])
        return tuple(name for name, _ in FORMATS if name in chosen)

    # -- validation ----------------------------------------------------------------

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        count = self._error_count()
        if count and NON_FIELD_ERRORS not in self.errors:
            noun = "problem" if count == 1 else f"{count} problems"
            self.add_error(None, f"Please fix the {noun} marked below.")

    def clean_extra_json(self) -> dict[str, Any]:
        extra = parse_settings_json(self.cleaned_data["extra_json"])
        if extra is None or extra.keys() & FORM_KEYS:
            raise ValidationError("The settings kept from the preset are damaged; reload it.")
        return extra

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"]
        if time_zone_for(value) is None:
            raise ValidationError("Choose a time zone or a UTC offset such as +02:00.")
        return value

    def clean_start(self) -> datetime:
        return parse_local_datetime(self.cleaned_data["start"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.uses_json:
            for name in _FIELD_MODE_ONLY:
                self.errors.pop(name, None)
            document = self._json_document(cleaned)
            if document is not None:
                self._check_with_engine(document, shown=set())
        else:
            document = self._fields_document(cleaned)
            self._check_with_engine(document, shown=self._shown_paths())
        return cleaned

    def _fields_document(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """Run the form's own checks, then build the document from the fields.

        A value that failed its check is left out, so the engine's default stands in,
        or is None where the engine needs it to judge the rest; `_shown_paths` names the
        engine issues this causes, which the form already shows in its own words.
        """
        self.event_formset.is_valid()
        self.front_formset.is_valid()
        warfare = self._warfare(cleaned)
        injury_mix = self._injury_mix(cleaned)
        self.event_formset.check_fit(cleaned.get("days"), cleaned.get("total_patients"))
        environment = set(cleaned.get("environment", []))
        document: dict[str, Any] = cleaned.get("extra_json", {}) | self._size_and_time(cleaned)
        document |= {"warfare": warfare} if warfare else {}
        document |= {key: cleaned[key] for key in ("intensity", "tempo") if key in cleaned}
        document |= {
            "special_events": self.event_formset.documents(),
            "environment": [name for name, _ in ENVIRONMENT if name in environment],
            "fronts": self.front_formset.documents(),
        }
        document |= sections.document_part(cleaned)
        return document | ({"injury_mix": injury_mix} if injury_mix else {})

    def _size_and_time(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        document: dict[str, Any] = {"title": cleaned["title"]} if cleaned.get("title") else {}
        if "total_patients" in cleaned:
            document["total_patients"] = cleaned["total_patients"]
        # A rejected day count stands in as the longest, so no event day looks late.
        document["days"] = cleaned.get("days", MAX_DAYS)
        zone = time_zone_for(cleaned.get("time_zone", ""))
        if "start" in cleaned and zone is not None:
            document["start"] = cleaned["start"].replace(tzinfo=zone).isoformat()
        if cleaned.get("seed") is not None:
            document["seed"] = cleaned["seed"]
        return document

    def _warfare(self, cleaned: dict[str, Any]) -> dict[str, int | float] | None:
        used = warfare_weights(cleaned)
        if not used and not any(name.startswith("warfare_") for name in self.errors):
            self.section_errors["warfare"].append("Give at least one warfare type a weight.")
        return used or None

    def _injury_mix(self, cleaned: dict[str, Any]) -> dict[str, int | float] | None:
        names = [f"injury_{category}" for category, _ in CATEGORIES]
        if any(name in self.errors for name in names):
            return None
        shares = {
            category: cleaned.get(f"injury_{category}") or Decimal(0) for category, _ in CATEGORIES
        }
        error = percent_total_error("The injury mix shares", shares.values())
        if error:
            self.section_errors["injury_mix"].append(error)
            return None
        return {category: fraction_of(share) for category, share in shares.items()}

    def _json_document(self, cleaned: dict[str, Any]) -> dict[str, Any] | None:
        text, upload = cleaned.get("scenario_json", "").strip(), cleaned.get("scenario_file")
        if text and upload:
            self.add_error("scenario_json", "Paste a scenario or upload a file, not both.")
            return None
        if upload:
            self._json_field = "scenario_file"
        try:
            return parse_scenario_json(read_scenario_upload(upload) if upload else text)
        except ValidationError as error:
            self.add_error(self._json_field, error)
            return None

    def _check_with_engine(self, document: dict[str, Any], shown: set[str]) -> None:
        """Show the engine's issues not in `shown`; keep the document if all is well."""
        complete = not self._error_count()
        try:
            scenario = generation.parse_scenario(document)
        except generation.ScenarioError as error:
            for issue in error.issues:
                if issue.path not in shown:
                    self._show_issue(issue)
            return
        if complete:
            self._document, self._scenario = document, scenario

    def _shown_paths(self) -> set[str]:
        """Engine paths of the problems the form's own checks already show."""
        paths = set(self.errors) | {key for key, errors in self.section_errors.items() if errors}
        for formset in self._row_formsets.values():
            paths |= formset.shown_paths()
        return paths

    def _show_issue(self, issue: generation.Issue) -> None:
        """Show one engine issue next to the field its path names."""
        if self.uses_json:
            self.add_error(self._json_field, str(issue))
            return
        head, index, key, tail = split_path(issue.path)
        name = FIELD_OF_PATH.get(issue.path)
        if head in self._row_formsets:
            self._row_formsets[head].add_engine_issue(index, key, tail, issue.message)
        elif name is not None:
            unlabelled = name == "environment" or issue.path in sections.LEG_PATHS
            label = "" if unlabelled else str(self.fields[name].label or "")
            self.add_error(name, as_sentence(label, issue.message))
        elif head in self.section_errors:
            self.section_errors[head].append(as_sentence("", issue.message))
        else:
            self.add_error(None, str(issue))

    def _error_count(self) -> int:
        count = sum(len(errors) for errors in self.errors.values())
        count += sum(len(errors) for errors in self.section_errors.values())
        if not self.uses_json:
            for formset in self._row_formsets.values():
                count += formset.total_error_count()
        return count

    @classmethod
    def _holds(cls, document: Mapping[str, Any], initial: dict[str, Any]) -> bool:
        """Whether the fields built from `initial` describe the same scenario as `document`:
        the engine checks each once (the form's own check is its one validation)."""
        try:
            expected = generation.parse_scenario(document)
        except generation.ScenarioError:
            return False
        form = cls(cls.data_from_initial(initial))
        if not form.is_valid():
            return False
        return nearly_equal(expected.to_dict(), form.scenario().to_dict())


def split_path(path: str) -> tuple[str, str | None, str | None, str]:
    """An engine issue path in parts: `fronts[1].nationalities.XYZ` ->
    ("fronts", "1", "nationalities", ".XYZ"); `warfare.naval` -> ("warfare", None, "naval", "")."""
    first, _, rest = path.partition(".")
    head, bracket, index = first.partition("[")
    key, dot, tail = rest.partition(".")
    return head, index.rstrip("]") if bracket else None, key or None, dot + tail


FIELD_NAMES = (*ScenarioFields.base_fields, *WARFARE_FIELDS, *(s.name for s in sections.SETTINGS))
_JSON_ONLY = frozenset({"scenario_json", "scenario_file", "output_formats"})
_FIELD_MODE_ONLY = frozenset(FIELD_NAMES) - _JSON_ONLY


# -- initial data ----------------------------------------------------------------------


@cache
def _preset_initial(name: str) -> dict[str, Any]:
    initial = ScenarioForm.initial_from_document(generation.load_preset(name))
    return initial | {"preset": name}


def _initial_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """The form's initial data for a document's keys (engine defaults where absent)."""
    initial = copy.deepcopy(DEFAULT_INITIAL)
    initial["extra_json"] = settings_json(document)
    initial["title"] = document.get("title", "")
    plain_keys = ("total_patients", "days", "seed", "intensity", "tempo")
    initial |= {key: document[key] for key in plain_keys if key in document}
    if "start" in document:
        initial |= start_initial(document["start"])
    if "warfare" in document:
        initial |= warfare_initial(document["warfare"])
    initial["environment"] = list(document.get("environment", []))
    if "injury_mix" in document:
        shares = percent_strings(document["injury_mix"])
        initial |= {f"injury_{name}": shares.get(name, "0") for name, _ in CATEGORIES}
    initial |= sections.initial_for(document)
    initial["special_events"] = BaseEventFormSet.initial_for(document.get("special_events", []))
    if "fronts" in document:
        initial["fronts"] = BaseFrontFormSet.initial_for(document["fronts"])
    return initial
