"""Creating a job: the one way a scenario becomes queued work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

import generation
from jobs.runs import limits, tasks
from jobs.runs.models import Job


def submit_job(
    owner: Any,
    document: dict[str, Any] | generation.Scenario,
    formats: Sequence[str],
    scenario_version_id: int | None = None,
) -> Job:
    """Validate `document`, store the job and queue it when the transaction commits.

    `document` may be the Scenario a form has already validated (it is not checked
    twice). `scenario_version_id` names the saved scenario version the form started
    from; the job keeps its own copy of the document either way. Raises
    generation.ScenarioError for an invalid document and limits.LimitExceeded when the
    owner is over a per-user limit.
    """
    if isinstance(document, generation.Scenario):
        scenario = document
    else:
        scenario = generation.parse_scenario(document)
    snapshot = scenario.to_dict()
    with transaction.atomic():
        # The owner's row is locked while counting, so parallel submissions by one user
        # cannot all pass the limits at once.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        limits.check_can_submit(owner, scenario.total_patients)
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
