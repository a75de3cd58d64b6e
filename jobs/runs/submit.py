"""Creating a job: the one way a scenario becomes queued work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

import generation
from jobs.runs import tasks
from jobs.runs.models import Job


def submit_job(
    owner: Any,
    document: dict[str, Any],
    formats: Sequence[str],
    scenario_version_id: int | None = None,
) -> Job:
    """Validate `document`, store the job and queue it when the transaction commits.

    `scenario_version_id` names the saved scenario version the form started from; the
    job keeps its own copy of the document either way. Raises generation.ScenarioError
    for an invalid document; forms validate first.
    """
    scenario = generation.parse_scenario(document)
    snapshot = scenario.to_dict()
    with transaction.atomic():
        job = Job.objects.create(
            owner=owner,
            title=_title(snapshot),
            scenario=snapshot,
            scenario_version_id=scenario_version_id,
            formats=list(dict.fromkeys(formats)),
            seed=generation.resolve_seed(scenario, None),
            total=scenario.total_patients,
        )
        tasks.enqueue(job)
    return job


def _title(document: dict[str, Any]) -> str:
    title = document.get("title") or document.get("name") or ""
    return str(title)[:200] or f"{document['total_patients']:,} casualties"
