"""Building blocks of the scenario form: the engine's vocabulary, numbers, time zones, fields.

Shares are typed as percentages and stored as fractions; the helpers here convert
between the two and phrase the messages a planner sees.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.core.exceptions import ValidationError

import generation
import generation.scenario
from generation import vocabulary

# One spelling of every choice, owned by the engine.
WARFARE_TYPES = vocabulary.warfare_types()
INTENSITIES = vocabulary.intensities()
TEMPOS = vocabulary.tempos()
EVENT_TYPES = vocabulary.special_event_types()
ENVIRONMENT = vocabulary.environment_conditions()
CATEGORIES = vocabulary.categories()
FORMATS = vocabulary.formats()
MAX_PATIENTS = generation.scenario.MAX_PATIENTS
MAX_DAYS = generation.scenario.MAX_DAYS
MAX_WEIGHT = 10**6
MAX_JSON_BYTES = 1_000_000
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
HUNDRED = Decimal(100)
SHARE_TOLERANCE = Decimal("0.0001")
ODD_OFFSETS: tuple[str, ...] = ("-09:30", "-03:30", "+03:30", "+04:30", "+05:30", "+05:45")
ODD_OFFSETS += ("+06:30", "+08:45", "+09:30", "+10:30", "+12:45", "+13:45")
OFFSET_RE = re.compile(r"^([+-])(\d{2}):(\d{2})$")
NATION_RE = re.compile(r"^([A-Za-z]{3})\s*[:=]?\s*(\d+(?:\.\d+)?)?\s*%?$")

# Document keys the fields hold; any other key is kept aside and passed through.
FORM_KEYS = frozenset(
    {"title", "total_patients", "days", "start", "seed", "warfare", "intensity", "tempo"}
    | {"special_events", "environment", "fronts", "injury_mix"}
    | {"care", "demographics", "outcomes", "clinical_detail", "capacity"}  # ...sections
    | {"climate", "cbrn_agent"}
)

# Django's own message repeats the posted value, which may be anything (NUL, megabytes).
CHOICE_MESSAGES = {"invalid_choice": "Choose one of the listed options."}


# -- numbers and messages --------------------------------------------------------------


def plain_number(value: Decimal | float | int) -> str:
    """A number as people write it: 40, 33.5, 0.25 (no exponent, no trailing zeros)."""
    return format(Decimal(str(value)).quantize(Decimal("0.0001")).normalize(), "f")


def int_or_float(value: Decimal) -> int | float:
    """A decimal as the JSON number it stands for: whole numbers stay integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def fraction_of(percent: Decimal) -> int | float:
    """A percentage as the fraction the scenario document stores: 35 -> 0.35."""
    return int_or_float(percent / HUNDRED)


def percent_strings(shares: Mapping[str, Any]) -> dict[str, str]:
    """Document shares (fractions summing to 1, or percentages) as percentage strings."""
    values = {key: Decimal(str(value)) for key, value in shares.items()}
    scale = HUNDRED if abs(sum(values.values(), Decimal(0)) - 1) < Decimal("0.001") else Decimal(1)
    return {key: plain_number(value * scale) for key, value in values.items()}


def percent_total_error(what: str, shares: Iterable[Decimal]) -> str | None:
    """The message for percentages that don't add up to 100, or None when they do."""
    total = sum(shares, Decimal(0))
    if abs(total - HUNDRED) <= SHARE_TOLERANCE:
        return None
    return f"{what} add up to {plain_number(total)} %; they must add up to 100 %."


def as_sentence(label: str, message: str) -> str:
    """`label message` with a capital first letter and a full stop."""
    text = f"{label} {message}".strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def nearly_equal(a: Any, b: Any) -> bool:
    """Deep equality of JSON values, with numbers compared up to float rounding."""
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(nearly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(nearly_equal, a, b))
    return bool(a == b)


def parse_nationalities(text: str) -> dict[str, Decimal]:
    """`POL 60, EST 25, FIN 15` -> {"POL": 60, ...}; a single code alone means 100 %."""
    parts = [part.strip() for part in re.split(r"[,;\n]+", text) if part.strip()]
    if not parts:
        raise ValidationError("List at least one nation and its share, e.g. POL 60, EST 40.")
    shares: dict[str, Decimal] = {}
    for part in parts:
        match = NATION_RE.match(part)
        if not match:
            raise ValidationError(f"“{part}” is not a nation code and a share; write e.g. POL 60.")
        code = match[1].upper()
        if code in shares:
            raise ValidationError(f"{code} is listed twice.")
        if match[2] is None and len(parts) > 1:
            raise ValidationError(f"Give {code} a share, e.g. {code} 50.")
        shares[code] = HUNDRED if match[2] is None else Decimal(match[2])
    return shares


def parse_local_datetime(text: str) -> datetime:
    """A date and time as a browser or a person types it, without a time zone."""
    for pattern in LOCAL_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise ValidationError("Enter the start as a date and time, e.g. 2026-03-02 06:00.")


def parse_scenario_json(text: str) -> dict[str, Any]:
    """A pasted or uploaded scenario document: a JSON object (the engine's rules)."""
    try:
        return generation.load_scenario_json(text)
    except generation.ScenarioError as error:
        raise ValidationError([as_sentence("", str(issue)) for issue in error.issues]) from None


def read_scenario_upload(upload: Any) -> str:
    """The text of an uploaded scenario file (UTF-8, up to 1 MB)."""
    if upload.size > MAX_JSON_BYTES:
        raise ValidationError("The file is larger than 1 MB; is it a scenario?")
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text; upload a JSON file.") from None


# -- document pieces -------------------------------------------------------------------


def warfare_weights(cleaned: Mapping[str, Any]) -> dict[str, int | float]:
    """The warfare weights typed above 0, as document numbers, in the engine's order."""
    weights = {kind: cleaned.get(f"warfare_{kind}") for kind, _ in WARFARE_TYPES}
    return {kind: int_or_float(weight) for kind, weight in weights.items() if weight}


def warfare_initial(weights: Mapping[str, Any]) -> dict[str, str]:
    """The warfare fields' initial text for a document's weights (blank: not used)."""
    return {
        f"warfare_{kind}": plain_number(weights[kind]) if weights.get(kind) else ""
        for kind, _ in WARFARE_TYPES
    }


def start_initial(start: str) -> dict[str, str]:
    """The start and time zone fields' initial text for a document's ISO start."""
    moment = datetime.fromisoformat(start)
    text = moment.strftime("%Y-%m-%dT%H:%M" + (":%S" if moment.second else ""))
    return {"start": text, "time_zone": utc_offset_text(moment)}


def parse_settings_json(raw: str) -> dict[str, Any] | None:
    """The hidden field of settings kept from a preset, or None when it is damaged."""
    try:
        return generation.load_scenario_json(raw) if raw.strip() else {}
    except generation.ScenarioError:
        return None


def settings_json(document: Mapping[str, Any]) -> str:
    """The document's keys without fields, less those that only repeat engine defaults."""
    defaults = engine_defaults()
    kept = {
        key: value
        for key, value in document.items()
        if key not in FORM_KEYS and not (key in defaults and nearly_equal(value, defaults[key]))
    }
    return json.dumps(kept, ensure_ascii=False) if kept else ""


@cache
def engine_defaults() -> dict[str, Any]:
    """The normalised document of a minimal scenario: what leaving a key out means."""
    return generation.normalise_scenario({"total_patients": 1})


# -- time zones ------------------------------------------------------------------------


@cache
def place_zone_names() -> frozenset[str]:
    """IANA zones named after a place (`Europe/Warsaw`), not the legacy aliases."""
    return frozenset(name for name in available_timezones() if "/" in name)


@cache
def time_zone_choices() -> list[tuple[str, Any]]:
    """The time zone select: whole and odd UTC offsets, then places."""
    offsets = [f"{hour:+03d}:00" for hour in range(-12, 15)] + list(ODD_OFFSETS)
    offsets.sort(key=offset_minutes)
    return [
        ("UTC offsets", [(offset, f"UTC{offset}") for offset in offsets]),
        ("Places", [(name, name.replace("_", " ")) for name in sorted(place_zone_names())]),
    ]


@cache
def listed_offsets() -> frozenset[str]:
    return frozenset(value for value, _ in time_zone_choices()[0][1])


def time_zone_choices_for(current: str) -> list[tuple[str, Any]]:
    """The choices, plus `current` first when it is a valid offset the list lacks."""
    choices = list(time_zone_choices())
    if OFFSET_RE.match(current) and time_zone_for(current) and current not in listed_offsets():
        choices.insert(0, (current, f"UTC{current}"))
    return choices


def offset_minutes(offset: str) -> int:
    """`+05:45` -> 345; only for strings matching OFFSET_RE."""
    match = OFFSET_RE.match(offset)
    if match is None:
        raise ValueError(f"not a UTC offset: {offset!r}")
    sign, hours, minutes = match.groups()
    return (-1 if sign == "-" else 1) * (int(hours) * 60 + int(minutes))


def time_zone_for(value: str) -> tzinfo | None:
    """A UTC offset or a place name as a tzinfo; None when it is neither."""
    if OFFSET_RE.match(value):
        minutes = offset_minutes(value)
        return timezone(timedelta(minutes=minutes)) if abs(minutes) <= 14 * 60 else None
    return ZoneInfo(value) if value in place_zone_names() else None


def utc_offset_text(moment: datetime) -> str:
    """The offset of an aware datetime as `+02:00`."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("a naive datetime has no UTC offset")
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# -- field factories -------------------------------------------------------------------


def integer_field(label: str, low: int, high: int, **kwargs: Any) -> forms.IntegerField:
    """A whole number between `low` and `high`, with messages that name the field."""
    bounds = f"{label} must be between {low:,} and {high:,}."
    messages = {"invalid": "Enter a whole number.", "min_value": bounds, "max_value": bounds}
    messages["required"] = f"Enter the {label.lower()}."
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, error_messages=messages, **kwargs
    )


def share_field(
    label: str, high: int = 100, required_message: str = "", **kwargs: Any
) -> forms.DecimalField:
    """A share or weight from 0 to `high`, typed with up to 4 decimal places."""
    bounds = f"Enter a number from 0 to {high:,}."
    messages = {"invalid": "Enter a number.", "min_value": bounds, "max_value": bounds}
    messages |= {"max_decimal_places": "Use at most 4 decimal places."}
    if required_message:
        messages["required"] = required_message
    widget = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=high,
        max_digits=12,
        decimal_places=4,
        widget=widget,
        error_messages=messages,
        **kwargs,
    )


WARFARE_FIELDS = tuple(f"warfare_{kind}" for kind, _ in WARFARE_TYPES)


def warfare_weight_fields() -> dict[str, forms.Field]:
    """`warfare_<type>`: an optional weight for each warfare type the engine knows."""
    return {
        f"warfare_{kind}": share_field(label, MAX_WEIGHT, required=False)
        for kind, label in WARFARE_TYPES
    }


# -- the scenario fields ---------------------------------------------------------------


class ScenarioFields(forms.Form):
    """The scenario form's own fields, in page order; `form.ScenarioForm` adds the rest
    (the warfare weights, one per warfare type the engine knows, in its `__init__`)."""

    title = forms.CharField(
        label="Scenario name", max_length=200, required=False, help_text="Optional."
    )
    total_patients = integer_field("Total casualties", 1, MAX_PATIENTS)
    days = integer_field("Days of fighting", 1, MAX_DAYS)
    start = forms.CharField(
        label="Start",
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Local date and time when the first day begins.",
        error_messages={"required": "Enter the start date and time."},
    )
    time_zone = forms.CharField(label="Time zone", widget=forms.Select())
    seed = forms.IntegerField(
        label="Seed",
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Optional. The same scenario and seed always give the same casualties.",
        error_messages={"invalid": "Enter a whole number.", "min_value": "Use 0 or more."},
    )
    intensity = forms.ChoiceField(
        label="Intensity", choices=INTENSITIES, error_messages=CHOICE_MESSAGES
    )
    tempo = forms.ChoiceField(
        label="Tempo",
        choices=TEMPOS,
        help_text="How casualties spread over the days.",
        error_messages=CHOICE_MESSAGES,
    )
    environment = forms.MultipleChoiceField(
        label="Environment",
        choices=ENVIRONMENT,
        required=False,
        error_messages=CHOICE_MESSAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    injury_battle_injury = share_field("Battle injury %", required=False)
    injury_non_battle_injury = share_field("Non-battle injury %", required=False)
    injury_disease = share_field("Disease %", required=False)
    output_formats = forms.MultipleChoiceField(
        label="Output formats",
        choices=FORMATS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one output format.", **CHOICE_MESSAGES},
    )
    extra_json = forms.CharField(required=False, widget=forms.HiddenInput)
    scenario_json = forms.CharField(
        label="Scenario JSON",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="When filled in, this replaces everything above except the output formats.",
    )
    scenario_file = forms.FileField(
        label="or upload a scenario file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
