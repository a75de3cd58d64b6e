"""The scenario form's repeatable rows: special events and fronts, and their formsets.

Each row stands for one item of an engine list (`special_events[i]`, `fronts[i]`): it
builds that item, fills itself from one, and shows the engine's issues about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.formsets import DELETION_FIELD_NAME

from jobs.scenario_form.fields import (
    CHOICE_MESSAGES,
    EVENT_TYPES,
    MAX_DAYS,
    MAX_PATIENTS,
    as_sentence,
    fraction_of,
    integer_field,
    parse_nationalities,
    percent_strings,
    percent_total_error,
    share_field,
)


class RowForm(forms.Form):
    """A formset row standing for one item of an engine list."""

    # Engine paths inside the item -> the field that shows them, where the names differ.
    path_fields: ClassVar[Mapping[str, str]] = {}

    def document(self) -> dict[str, Any]:
        """The item; a field that failed its own check is None (or left out if optional)."""
        raise NotImplementedError

    def shown_paths(self) -> set[str]:
        """Engine paths inside the item whose problem this row already shows."""
        paths = {path for path, name in self.path_fields.items() if name in self.errors}
        renamed = set(self.path_fields.values()) | {NON_FIELD_ERRORS}
        return paths | {name for name in self.errors if name not in renamed}

    def add_engine_issue(self, key: str | None, tail: str, message: str) -> None:
        """Show an engine issue about `key` (+ `tail`, the rest of its path) on its field."""
        name = self.path_fields.get(f"{key}{tail}", key)
        if name in self.fields:
            self.add_error(name, as_sentence(str(self.fields[name].label or ""), message))
        else:
            self.add_error(None, as_sentence(f"{key}{tail}:" if key else "", message))


class SpecialEventForm(RowForm):
    """One special event; a row left blank is ignored."""

    path_fields = {"size[0]": "size_min", "size[1]": "size_max", "size": "size_max"}

    type = forms.ChoiceField(
        label="Type",
        choices=[("", "— choose —"), *EVENT_TYPES],
        error_messages={"required": "Choose the kind of event.", **CHOICE_MESSAGES},
    )
    day = integer_field("Day", 1, MAX_DAYS, required=False, help_text="Blank: a random day.")
    size_min = integer_field("Smallest size", 1, MAX_PATIENTS)
    size_max = integer_field("Largest size", 1, MAX_PATIENTS)

    @staticmethod
    def initial_for(event: Mapping[str, Any]) -> dict[str, Any]:
        """The row's initial data for a document's event."""
        low, high = event.get("size", [10, 30])
        return {"type": event["type"], "day": event.get("day"), "size_min": low, "size_max": high}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("size_min"), cleaned.get("size_max")
        if low is not None and high is not None and low > high:
            self.add_error("size_max", f"The largest size must be at least the smallest ({low:,}).")
        return cleaned

    def document(self) -> dict[str, Any]:
        data = self.cleaned_data
        event: dict[str, Any] = {"type": data.get("type")}
        if data.get("day") is not None:
            event["day"] = data["day"]
        event["size"] = [data.get("size_min"), data.get("size_max")]
        return event


class FrontForm(RowForm):
    """One front: a name, its share of the casualties, and its nationality mix."""

    name = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "Give the front a name."}
    )
    share = share_field("Share %", required_message="Give the front a share.")
    nationalities = forms.CharField(
        label="Nationalities %",
        max_length=500,
        help_text="Nation codes (ISO 3166-1 alpha-3) and shares, e.g. POL 60, EST 25, FIN 15.",
        error_messages={"required": "List the nations on this front, e.g. POL 60, EST 40."},
    )
    area = forms.CharField(
        label="Area",
        max_length=100,
        required=False,
        help_text="Latitude, longitude and radius in km, e.g. 54.2, 23.0, 25. Blank: a "
        "default training area. 9-line grids lie inside it.",
    )
    # The engine's paths below the area name its parts; they are all typed in one field.
    path_fields = {"area.latitude": "area", "area.longitude": "area", "area.radius_km": "area"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Kept even when the shares don't add up, so the engine can still check the codes.
        self.typed_codes: list[str] = []

    @staticmethod
    def initial_for(front: Mapping[str, Any], share: str) -> dict[str, Any]:
        """The row's initial data for a document's front; `share` already in percent."""
        nations = percent_strings(front["nationalities"])
        text = ", ".join(f"{code} {value}" for code, value in nations.items())
        initial = {"name": front["name"], "share": share, "nationalities": text}
        area = front.get("area")
        if isinstance(area, Mapping):
            initial["area"] = ", ".join(
                f"{area.get(key)}" for key in ("latitude", "longitude", "radius_km")
            )
        return initial

    def clean_area(self) -> dict[str, float] | None:
        text = self.cleaned_data["area"].strip()
        if not text:
            return None
        parts = [part.strip() for part in text.replace(";", ",").split(",")]
        try:
            numbers = [float(part.removesuffix("km").strip()) for part in parts]
        except ValueError:
            numbers = []
        if len(numbers) != 3:
            raise ValidationError(
                "Give the area as latitude, longitude and radius in km, e.g. 54.2, 23.0, 25."
            )
        return {"latitude": numbers[0], "longitude": numbers[1], "radius_km": numbers[2]}

    def clean_nationalities(self) -> dict[str, Decimal]:
        shares = parse_nationalities(self.cleaned_data["nationalities"])
        self.typed_codes = list(shares)
        error = percent_total_error("Nationality shares", shares.values())
        if error:
            raise ValidationError(error)
        return shares

    def document(self) -> dict[str, Any]:
        data = self.cleaned_data
        document = {
            "name": data.get("name"),
            "share": None if data.get("share") is None else fraction_of(data["share"]),
            "nationalities": self._nationalities_document(),
        }
        if data.get("area"):
            document["area"] = data["area"]
        return document

    def _nationalities_document(self) -> dict[str, int | float] | None:
        if "nationalities" in self.cleaned_data:
            shares = self.cleaned_data["nationalities"]
            return {code: fraction_of(share) for code, share in shares.items()}
        if self.typed_codes:  # shares off (already shown): equal stand-ins, codes checked
            return {code: 1 / len(self.typed_codes) for code in self.typed_codes}
        return None

    def add_engine_issue(self, key: str | None, tail: str, message: str) -> None:
        if key == "nationalities" and tail.startswith(".") and message.startswith("unknown"):
            text = (
                f"{tail[1:]} is not a nation the generator knows; use a NATO member's "
                "three-letter code (ISO 3166-1 alpha-3), e.g. POL."
            )
            self.add_error("nationalities", text)
        elif key == "area" and tail.startswith("."):  # name the part of the typed triple
            part = {"latitude": "Latitude", "longitude": "Longitude", "radius_km": "Radius (km)"}
            self.add_error("area", as_sentence(part.get(tail[1:], "Area"), message))
        else:
            super().add_engine_issue(key, tail, message)


class RowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # not generic at run time
    """Rows are added and removed freely: a blank row is skipped wherever it is."""

    engine_key: ClassVar[str]  # the document's list the rows stand for
    section: ClassVar[str]  # its name on the page

    @staticmethod
    def posted_data(prefix: str, rows: list[dict[str, Any]]) -> dict[str, str]:
        """What a browser posts for untouched rows showing `rows` (management form too)."""
        data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = "" if value is None else str(value)
        return data

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def filled_forms(self) -> list[RowForm]:
        """Rows typed in and not removed, valid or not, in page order: the list's items."""
        return [
            f for f in self.forms if f.has_changed() and not f.cleaned_data.get(DELETION_FIELD_NAME)
        ]

    def page_rows(self) -> list[tuple[forms.Form, bool]]:
        """(row, is_template) for the page: the rows, then the blank row JS copies."""
        return [*((row, False) for row in self), (self.empty_form, True)]

    def documents(self) -> list[dict[str, Any]]:
        """The document's list, one item per filled row."""
        return [row.document() for row in self.filled_forms()]

    def shown_paths(self) -> set[str]:
        """Engine paths of the list whose problem the rows or the formset already show."""
        paths = {self.engine_key} if self.non_form_errors() else set()
        for index, row in enumerate(self.filled_forms()):
            paths |= {f"{self.engine_key}[{index}].{path}" for path in row.shown_paths()}
        return paths

    def add_engine_issue(self, index: str | None, key: str | None, tail: str, message: str) -> None:
        """Show an engine issue on the row it names, or above the rows."""
        rows = self.filled_forms()
        if index is None or int(index) >= len(rows):
            self.non_form_errors().append(as_sentence(f"{self.section}:", message))
        else:
            rows[int(index)].add_engine_issue(key, tail, message)


class BaseEventFormSet(RowFormSet):
    """Special events: any number, each on a day of the scenario."""

    engine_key = "special_events"
    section = "Special events"

    @staticmethod
    def initial_for(events: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The rows' initial data for a document's special events."""
        return [SpecialEventForm.initial_for(event) for event in events]

    def check_fit(self, days: int | None, total: int | None) -> None:
        """Event days inside the scenario, and the smallest sizes fit in the total."""
        events = self.filled_forms()
        for event in events:
            day = event.cleaned_data.get("day")
            if day is not None and days is not None and day > days:
                event.add_error("day", f"Day {day} is after the last day of the scenario ({days}).")
        # Rows without a valid size can only add to the sum, so it is judged without them.
        smallest = sum(event.cleaned_data.get("size_min") or 0 for event in events)
        if total is not None and smallest > total:
            self.non_form_errors().append(
                f"The smallest event sizes add up to {smallest:,}, "
                f"more than the {total:,} casualties in total."
            )


class BaseFrontFormSet(RowFormSet):
    """Fronts: at least one, distinct names, shares adding up to 100 %."""

    engine_key = "fronts"
    section = "Fronts"

    @staticmethod
    def initial_for(fronts: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The rows' initial data for a document's fronts, shares in percent."""
        shares = percent_strings({str(i): front["share"] for i, front in enumerate(fronts)})
        return [FrontForm.initial_for(front, shares[str(i)]) for i, front in enumerate(fronts)]

    def clean(self) -> None:
        fronts = self.filled_forms()
        if not fronts:
            raise ValidationError("Add at least one front.")
        seen: set[str] = set()
        for front in fronts:
            name = front.cleaned_data.get("name", "").strip()
            if name and name.casefold() in seen:
                front.add_error("name", f"Another front is already called “{name}”.")
            seen.add(name.casefold())
        shares = [front.cleaned_data.get("share") for front in fronts]
        typed = [share for share in shares if share is not None]
        if len(typed) < len(shares):
            return
        error = percent_total_error("Front shares", typed)
        if error:
            raise ValidationError(error)


EventFormSet = forms.formset_factory(SpecialEventForm, BaseEventFormSet, extra=1, can_delete=True)
FrontFormSet = forms.formset_factory(FrontForm, BaseFrontFormSet, extra=1, can_delete=True)
