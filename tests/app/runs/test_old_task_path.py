"""A job queued before the tasks moved to `jobs.runs.tasks` still runs after the upgrade."""

from __future__ import annotations

from typing import Any

import django_rq
import pytest

from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_an_rq_job_stored_with_the_old_dotted_path_runs(make_job: Any, burst_worker: Any) -> None:
    job = make_job(total_patients=50)  # on_commit never fires here: not queued yet
    # What RQ kept in Redis for a job queued by the previous release: the function by name.
    django_rq.get_queue("default", commit_mode="auto").enqueue("jobs.tasks.run_job", str(job.id))

    burst_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED
