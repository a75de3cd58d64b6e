"""An exercise run of a small completed job (alice's), and its patient records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jobs.exercises import events


@pytest.fixture
def exercise_job(completed_job: Any, media_root: Any) -> Any:
    return completed_job(formats=("ndjson", "csv"), total_patients=60, days=2)


@pytest.fixture
def records(exercise_job: Any) -> list[dict[str, Any]]:
    with exercise_job.outputs.get(name="patients.ndjson").file.open("rb") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture
def make_run(exercise_job: Any) -> Any:
    from jobs.exercises.models import ExerciseRun

    def make(**fields: Any) -> ExerciseRun:
        values = {
            "job": exercise_job,
            "name": "Drill",
            "window_start": 0.0,
            "window_end": events.last_position(exercise_job),
            "speed": 60,
            **fields,
        }
        values.setdefault("position", values["window_start"])
        return ExerciseRun.objects.create(**values)

    return make
