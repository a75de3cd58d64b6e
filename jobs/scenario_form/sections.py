"""The scenario's less-used keys as fields: a plain table from engine paths to fields.

Roles of care present, transit and holding windows, the share of women, the outcome
probabilities, clinical detail and the capacity of care. The page shows them in collapsed
sections, each field with the engine's default and where that default comes from
(docs/scenarios.md).

Capacity (issue 11) differs from the rest in one way: it is absent unless the user limits
something. Its fields start empty (unlimited, or the engine's default shown in the help
text) and only typed values reach the document, so a scenario without capacity keeps
writing no `capacity` key, and a preset's capacity comes back exactly as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

import generation
from generation import reference
from jobs.scenario_form.fields import (
    CHOICE_MESSAGES,
    engine_defaults,
    fraction_of,
    plain_number,
    share_field,
)

ROLES = ("R1", "R2", "R3", "R4")
ROLE_NAMES = {"R1": "Role 1", "R2": "Role 2", "R3": "Role 3", "R4": "Role 4"}
LEGS = ("POI-R1", "R1-R2", "R2-R3", "R3-R4")
HOLDING_ROLES = ("R1", "R2", "R3")
PRECEDENCES = ("urgent", "urgent_surgical", "priority", "routine")
PRECEDENCE_NAMES = {
    "urgent": "urgent",
    "urgent_surgical": "urgent surgical",
    "priority": "priority",
    "routine": "routine",
}
MAX_WINDOW_MINUTES = 60 * 24 * 60  # the engine's limit: 60 days
SEPARATORS = re.compile(r"[\s,;/]+")
CAPACITY_ROLES = ("R1", "R2", "R3")
LIFT_MODES = ("ground", "air")
MAX_COUNT = 100_000  # the engine's limit (generation.capacity_validation)
UNLIMITED = "unlimited"


@dataclass(frozen=True)
class Setting:
    """One field: the document path it fills, how it is shown, where its default is from."""

    name: str  # the form field
    path: tuple[str, ...]  # keys into the scenario document
    label: str
    # "percent", "window", "roles", "flag", "choice"; capacity: "count", "minutes",
    # "precedences" (and "choice" for its scope)
    kind: str
    source: str
    # A "choice": (value, label) pairs; a first value "" means "left to the engine".
    choices: tuple[tuple[str, str], ...] = ()
    # Capacity only: what the field shows when the document leaves the key out.
    absent: Any = None
    # A heading that groups the fields of a large section into rows ("" for none).
    group: str = ""


_AGENT_LABELS = {
    "nerve": "Nerve agent",
    "blister": "Blister agent (mustard)",
    "choking": "Choking agent (chlorine, phosgene)",
    "blood": "Blood agent (cyanide)",
    "anthrax": "Anthrax",
    "plague": "Pneumonic plague",
    "botulism": "Botulism",
    "smallpox": "Smallpox",
    "radiological": "Radiological dispersal",
}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    note: str
    settings: tuple[Setting, ...]


# Where each window's default comes from (CALIBRATION.md rows; docs/scenarios.md).
TRANSIT_SOURCES = {
    "POI-R1": "S6",
    "R1-R2": "estimate inside F4's windows",
    "R2-R3": "estimate inside F4's windows",
    "R3-R4": "S6, F14",
}
HOLDING_SOURCE = "estimate, no sourced default: F19"


def _window_settings(part: str, places: tuple[str, ...]) -> tuple[Setting, ...]:
    return tuple(
        Setting(
            f"{part}_{place.lower().replace('-', '_')}_{precedence}",
            ("care", part, place, precedence),
            f"{place.replace('-', ' → ') if '-' in place else ROLE_NAMES[place]}, "
            f"{PRECEDENCE_NAMES[precedence]}",
            "window",
            TRANSIT_SOURCES[place] if part == "transit" else HOLDING_SOURCE,
        )
        for place in places
        for precedence in PRECEDENCES
    )


def _capacity_settings() -> tuple[Setting, ...]:
    """Scope and beds, teams, case minutes, then each leg's ground and air lift.

    Each comes in a group of at most four fields, shown as one row with its heading.
    """
    defaults = reference.care()["capacity"]

    def count(name: str, path: tuple[str, ...], label: str, group: str, source: str) -> Setting:
        return Setting(name, ("capacity", *path), label, "count", source, absent="", group=group)

    facilities, teams, minutes = "Facilities", "Teams", "Minutes a team is busy with one case"
    settings = [
        Setting(
            "capacity_scope",
            ("capacity", "scope"),
            "Shared by",
            "choice",
            "the whole theatre",
            (("theatre", "The whole theatre"), ("front", "Each front (its own of these sizes)")),
            absent="theatre",
            group=facilities,
        ),
        *(
            count(
                f"capacity_beds_{r.lower()}",
                ("beds", r),
                f"{ROLE_NAMES[r]} beds",
                facilities,
                "unlimited",
            )
            for r in CAPACITY_ROLES
        ),
        count("capacity_teams_r1", ("teams", "R1"), "Role 1 treatment teams", teams, "unlimited"),
        *(
            count(
                f"capacity_teams_{r.lower()}",
                ("teams", r),
                f"{ROLE_NAMES[r]} surgical teams",
                teams,
                "unlimited",
            )
            for r in ("R2", "R3")
        ),
        *(
            Setting(
                f"capacity_case_minutes_{r.lower()}",
                ("capacity", "case_minutes", r),
                f"{ROLE_NAMES[r]} case minutes",
                "minutes",
                f"{plain_number(defaults['case_minutes'][r])} (estimate)",
                absent="",
                group=minutes,
            )
            for r in CAPACITY_ROLES
        ),
    ]
    for leg in LEGS:
        start, end = leg.split("-")
        shown_leg = f"{ROLE_NAMES.get(start, start)} → {ROLE_NAMES[end]}"
        for mode in LIFT_MODES:
            vehicles = "Ground ambulances" if mode == "ground" else "Helicopters"
            group = f"Lift {shown_leg}: {vehicles.lower()}"
            base = (*("lift", leg, mode),)
            name = f"lift_{leg.lower().replace('-', '_')}_{mode}"
            mode_defaults = defaults[mode]
            flown = mode_defaults.get("precedences", list(PRECEDENCES))
            settings += [
                count(f"{name}_vehicles", (*base, "vehicles"), vehicles, group, "unlimited"),
                count(
                    f"{name}_patients_per_trip",
                    (*base, "patients_per_trip"),
                    "Patients per trip",
                    group,
                    f"{mode_defaults['patients_per_trip']} (FM 4-02.2)",
                ),
                Setting(
                    f"{name}_turnaround_minutes",
                    ("capacity", *base, "turnaround_minutes"),
                    "Turnaround minutes",
                    "minutes",
                    f"{plain_number(mode_defaults['turnaround_minutes'][leg])} (estimate)",
                    absent="",
                    group=group,
                ),
                Setting(
                    f"{name}_precedences",
                    ("capacity", *base, "precedences"),
                    "Precedences carried",
                    "precedences",
                    "all"
                    if len(flown) == len(PRECEDENCES)
                    else ", ".join(PRECEDENCE_NAMES[p] for p in flown) + " (estimate)",
                    absent=list(flown),
                    group=group,
                ),
            ]
    return tuple(settings)


SECTIONS = (
    Section(
        "roles",
        "Roles of care present",
        "A role left out is skipped: its legs are flown as one, and its outcomes move to the "
        "nearest role present.",
        (Setting("care_roles", ("care", "roles"), "Roles present", "roles", "all four"),),
    ),
    Section(
        "transit",
        "Transit times by precedence",
        "Minutes from leaving one role to arriving at the next: min, most likely, max "
        "(or min and max).",
        _window_settings("transit", LEGS),
    ),
    Section(
        "holding",
        "Holding times by precedence",
        "Minutes spent at a role before moving on: min, most likely, max (or min and max).",
        _window_settings("holding", HOLDING_ROLES),
    ),
    Section(
        "people",
        "Casualties",
        "",
        (
            Setting(
                "female_share",
                ("demographics", "female_share"),
                "Women among casualties %",
                "percent",
                "S9: 2-10 %",
            ),
        ),
    ),
    Section(
        "outcomes",
        "Outcome probabilities",
        "",
        (
            Setting(
                "kia_probability",
                ("outcomes", "kia_probability"),
                "Killed in action %",
                "percent",
                "S5",
            ),
            Setting(
                "mascal_kia_probability",
                ("outcomes", "mascal_kia_probability"),
                "Killed in action in a mass-casualty event %",
                "percent",
                "S8",
            ),
        ),
    ),
    Section(
        "clinical",
        "Clinical detail",
        "Treatments, vital signs, re-triage, ATMIST handovers and 9-line requests in every "
        "record; without them generation is about 2.5 times faster and a third of the size.",
        (
            Setting(
                "clinical_detail",
                ("clinical_detail",),
                "Include clinical detail",
                "flag",
                "on",
            ),
        ),
    ),
    Section(
        "theatre",
        "Theatre and CBRN",
        "The climate sets which diseases and non-battle injuries occur (malaria, heat and "
        "cold injuries, ticks) with the season of the start date; the agent is used by the "
        "CBRN warfare type.",
        (
            Setting(
                "climate",
                ("climate",),
                "Climate",
                "choice",
                "derived from the fronts' latitudes and the environment",
                (
                    ("", "Automatic"),
                    *((c, c.capitalize()) for c in generation.scenario.CLIMATES),
                ),
            ),
            Setting(
                "cbrn_agent",
                ("cbrn_agent",),
                "CBRN agent",
                "choice",
                "nerve agent",
                tuple((a, _AGENT_LABELS[a]) for a in generation.scenario.CBRN_AGENTS),
            ),
        ),
    ),
    Section(
        "capacity",
        "Capacity of care",
        "Leave a field empty for no limit: without any limit every role has room and every "
        "vehicle waits, as before. With limits, casualties wait for a bed, a team or lift "
        "in precedence order, are diverted when a facility is full, and waiting adds deaths "
        'of wounds (docs/scenarios.md, "Capacity of care"). A leg with lift needs a mode '
        "for every precedence.",
        _capacity_settings(),
    ),
)
SETTINGS = tuple(setting for section in SECTIONS for setting in section.settings)
# Engine issue paths -> fields (the form's FIELD_OF_PATH takes these in).
FIELD_OF_PATH = {".".join(setting.path): setting.name for setting in SETTINGS}
# A leg's own issues ("no mode carries routine casualties") show on its ground ambulances,
# without that field's label in front.
LEG_PATHS = frozenset(f"capacity.lift.{leg}" for leg in LEGS)
FIELD_OF_PATH |= {
    f"capacity.lift.{leg}": f"lift_{leg.lower().replace('-', '_')}_ground_vehicles" for leg in LEGS
}
DOCUMENT_KEYS = frozenset(setting.path[0] for setting in SETTINGS)


def setting_fields() -> dict[str, forms.Field]:
    """A fresh field for every setting, its default and source in its help text."""
    return {setting.name: _field(setting) for setting in SETTINGS}


def _field(setting: Setting) -> forms.Field:
    if setting.kind in ("count", "minutes", "precedences"):
        return _capacity_field(setting)
    if setting.kind == "roles":
        return forms.MultipleChoiceField(
            label=setting.label,
            choices=[(role, ROLE_NAMES[role]) for role in ROLES],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Keep at least one role of care.", **CHOICE_MESSAGES},
            help_text=f"Default: {setting.source}.",
        )
    if setting.kind == "flag":
        return forms.BooleanField(label=setting.label, required=False, help_text="Default: on.")
    if setting.kind == "choice":
        return forms.ChoiceField(
            label=setting.label,
            choices=list(setting.choices),
            required=False,
            error_messages=CHOICE_MESSAGES,  # never echoes the value (it may hold a NUL)
            help_text=f"Default: {setting.source}.",
        )
    default = shown_value(setting, lookup(engine_defaults(), setting.path))
    if setting.kind == "percent":
        return share_field(
            setting.label,
            required_message=f"Enter the {setting.label.removesuffix(' %').lower()} share.",
            help_text=f"Default {default} % ({setting.source}).",
        )
    return WindowField(
        label=setting.label,
        max_length=60,
        help_text=f"Default {default} ({setting.source}).",
        error_messages={"required": "Enter the minutes, e.g. 10 30 75."},
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _capacity_field(setting: Setting) -> forms.Field:
    """A capacity count, minutes or precedences; empty means unlimited or the default."""
    if setting.kind == "precedences":
        return forms.MultipleChoiceField(
            label=setting.label,
            choices=[(p, PRECEDENCE_NAMES[p]) for p in PRECEDENCES],
            widget=forms.CheckboxSelectMultiple,
            required=False,  # none ticked: the engine's message, for a mode in use
            error_messages=CHOICE_MESSAGES,
            help_text=f"Default: {setting.source}.",
        )
    empty = "unlimited" if setting.source == "unlimited" else f"default {setting.source}"
    field_class = CountField if setting.kind == "count" else MinutesField
    return field_class(
        label=setting.label,
        required=False,
        help_text=f"Empty: {empty}.",
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "maxlength": "20",
                "placeholder": UNLIMITED if setting.source == "unlimited" else "",
            }
        ),
    )


class CountField(forms.CharField):
    """A whole number from 1, or empty / "unlimited" for no limit (None)."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if text.lower() in ("", UNLIMITED):
            return None
        message = f"Enter a whole number from 1 to {MAX_COUNT:,}, or leave it empty."
        if len(text) > 40:
            raise ValidationError(message)
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValidationError(message) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValidationError(message)
        if not 1 <= number <= MAX_COUNT:
            raise ValidationError(message)
        return int(number)


class MinutesField(forms.CharField):
    """Minutes above 0, or empty for the engine's default (None)."""

    def to_python(self, value: Any) -> int | float | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        message = f"Enter minutes above 0 and at most {MAX_WINDOW_MINUTES:,}, or leave it empty."
        if len(text) > 40:
            raise ValidationError(message)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(message) from None
        if not number.is_finite() or not 0 < number <= MAX_WINDOW_MINUTES:
            raise ValidationError(message)
        return int(number) if number == number.to_integral_value() else float(number)


class WindowField(forms.CharField):
    """Minutes typed as `10 30 75` (min, most likely, max) or `10 75` (min, max)."""

    # A window is a list of minutes, not the text CharField.to_python promises.
    def to_python(self, value: Any) -> list[int | float] | None:  # type: ignore[override]
        text = super().to_python(value)
        return parse_window(text) if text else None


def lookup(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for key in path:
        value = value[key]
    return value


def shown_value(setting: Setting, value: Any) -> Any:
    """A document value as its field shows it."""
    if setting.kind == "percent":
        return plain_number(Decimal(str(value)) * 100)
    if setting.kind == "window":
        return " ".join(plain_number(minutes) for minutes in value)
    if setting.kind in ("count", "minutes"):
        return "" if value in ("", UNLIMITED) else plain_number(value)
    return list(value) if setting.kind in ("roles", "precedences") else value


def initial_for(document: Mapping[str, Any]) -> dict[str, Any]:
    """Each setting's initial value: the document's where it has one, else the default."""
    defaults = engine_defaults()
    initial = {}
    for setting in SETTINGS:
        try:
            value = lookup(document, setting.path)
        except (KeyError, TypeError):
            if setting.absent is not None:
                value = setting.absent  # capacity: empty, or the engine's default shown
            elif setting.kind == "choice" and setting.choices[0][0] == "":
                value = ""  # absent: the engine decides (e.g. the climate from the fronts)
            else:
                value = lookup(defaults, setting.path)
        initial[setting.name] = shown_value(setting, value)
    return initial


def parse_window(text: str) -> list[int | float]:
    """`10 30 75` or `10 75` (minutes) -> [10, 30, 75] / [10, 75]."""
    parts = [part for part in SEPARATORS.split(text.strip()) if part]
    try:
        numbers = [Decimal(part) for part in parts]
    except InvalidOperation:
        raise ValidationError("Enter two or three numbers of minutes, e.g. 10 30 75.") from None
    if len(numbers) not in (2, 3) or any(not n.is_finite() for n in numbers):
        raise ValidationError("Enter two or three numbers of minutes, e.g. 10 30 75.")
    if any(n < 0 or n > MAX_WINDOW_MINUTES for n in numbers):
        raise ValidationError(f"Minutes must be between 0 and {MAX_WINDOW_MINUTES:,}.")
    return [int(n) if n == n.to_integral_value() else float(n) for n in numbers]


def document_part(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The document keys these settings fill, from the cleaned values present."""
    document: dict[str, Any] = {}
    capacity = capacity_part(cleaned)
    if capacity:
        document["capacity"] = capacity
    for setting in SETTINGS:
        if setting.path[0] == "capacity":
            continue
        if cleaned.get(setting.name) is None or cleaned.get(setting.name) == "":
            continue  # rejected (the form shows why) or left to the engine: its default
        value = cleaned[setting.name]
        if setting.kind == "percent":
            value = fraction_of(value)
        elif setting.kind == "roles":
            value = [role for role in ROLES if role in value]
        place = document
        for key in setting.path[:-1]:
            place = place.setdefault(key, {})
        place[setting.path[-1]] = value
    return document


def capacity_part(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The `capacity` section from its fields; empty when nothing is limited.

    A lift mode is written when any of its numbers is typed (without vehicles the
    engine says so on that field); its precedences only when they differ from the
    default, so an untouched form gives back exactly the document it was filled from.
    """
    settings = [s for s in SETTINGS if s.path[0] == "capacity"]
    # A count or anything about lift is a limit, or a mistake the engine names (a lift
    # without vehicles); case minutes alone limit nothing.
    if not any(
        cleaned.get(s.name) is not None
        for s in settings
        if s.kind in ("count", "minutes") and (s.kind == "count" or s.path[1] == "lift")
    ):
        return {}
    document: dict[str, Any] = {"scope": cleaned.get("capacity_scope") or "theatre"}
    for setting in settings:
        value = cleaned.get(setting.name)
        if setting.kind == "precedences":
            mode_typed = any(
                cleaned.get(other.name) is not None
                for other in settings
                if other.path[:4] == setting.path[:4] and other.kind != "precedences"
            )
            if not mode_typed or set(value or ()) == set(setting.absent):
                continue
            # None ticked: the engine's message lands on this field
            value = [p for p in PRECEDENCES if p in (value or ())]
        elif setting.kind == "choice" or value is None:
            continue
        place = document
        for key in setting.path[1:-1]:
            place = place.setdefault(key, {})
        place[setting.path[-1]] = value
    return document
