"""Forms of the exercise pages: a new run, a share link, a clock change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from jobs.exercises import times
from jobs.exercises.clock import SPEEDS
from jobs.exercises.models import BOARD_LABELS

# "\u00d7" is the multiplication sign people write speeds with ("x60").
SPEED_CHOICES = [(speed, "real time" if speed == 1 else f"\u00d7{speed}") for speed in SPEEDS]


class RunForm(forms.Form):
    """Name, part of the scenario to play (time window, fronts) and speed of a new run."""

    name = forms.CharField(max_length=200)
    window_from = forms.CharField(
        required=False, label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    window_to = forms.CharField(
        required=False, label="To", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    fronts = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None ticked: all fronts."
    )
    speed = forms.TypedChoiceField(choices=SPEED_CHOICES, coerce=int, initial=1)

    def __init__(self, *args: Any, start: datetime, last: float, fronts: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.start, self.last = start, last
        fronts_field = self.fields["fronts"]
        assert isinstance(fronts_field, forms.MultipleChoiceField)
        fronts_field.choices = [(name, name) for name in fronts]
        self.fields[
            "window_from"
        ].help_text = f"In the scenario's zone ({times.zone_label(start)}); empty: its start."
        self.fields["window_to"].help_text = "Empty: the last event of the job."

    def _position(self, field: str, default: float) -> float:
        value = self.cleaned_data.get(field) or ""
        if not value:
            return default
        try:
            return times.parse_local(value, self.start)
        except ValueError:
            raise forms.ValidationError(
                {field: "Enter a date and time, e.g. 2026-03-02T06:00."}
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["window_start"] = self._position("window_from", 0.0)
        data["window_end"] = self._position("window_to", self.last)
        if data["window_end"] <= data["window_start"]:
            raise forms.ValidationError({"window_to": "“To” must be after “From”."})
        return data


class ShareLinkForm(forms.Form):
    board = forms.ChoiceField()
    label = forms.CharField(
        max_length=100, required=False, help_text="Who it is for, e.g. “R1 Charlie Coy”."
    )
    expires_in = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=24 * 90,
        label="Expires after (hours)",
        help_text="Empty: until revoked.",
    )

    def __init__(self, *args: Any, boards: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        board_field = self.fields["board"]
        assert isinstance(board_field, forms.ChoiceField)
        board_field.choices = [(board, BOARD_LABELS[board]) for board in boards]

    def expires_at(self) -> datetime | None:
        hours = self.cleaned_data.get("expires_in")
        return timezone.now() + timedelta(hours=hours) if hours else None


class ClockForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("start", "pause", "resume", "speed", "jump")]
    )
    speed = forms.TypedChoiceField(choices=SPEED_CHOICES, coerce=int, required=False)
    to = forms.CharField(required=False, label="Jump to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "speed" and not data.get("speed"):
            raise forms.ValidationError({"speed": "Choose a speed."})
        if data.get("action") == "jump" and not data.get("to"):
            raise forms.ValidationError({"to": "Enter the time to jump to."})
        return data
