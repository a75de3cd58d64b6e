"""A job end to end through a real RQ worker, with correct output files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest
from django.core.files.storage import default_storage

from jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _assert_outputs_match(job: Job) -> None:
    outputs = {o.name: o for o in job.outputs.all()}
    assert set(outputs) == {"patients.json", "patients.csv", "manifest.json"}
    for output in outputs.values():
        data = _read(output.file.name)
        assert len(data) == output.size
        assert hashlib.sha256(data).hexdigest() == output.sha256
    patients = json.loads(_read(outputs["patients.json"].file.name))
    records = patients if isinstance(patients, list) else patients["patients"]
    assert len(records) == job.total
    rows = list(csv.DictReader(io.StringIO(_read(outputs["patients.csv"].file.name).decode())))
    assert len(rows) == job.total
    manifest = json.loads(_read(outputs["manifest.json"].file.name))
    assert manifest["seed"] == job.seed
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert listed["patients.json"] == outputs["patients.json"].sha256


def test_it_runs_a_job_through_a_real_worker_process(make_job: Any, start_worker: Any) -> None:
    job = make_job(total_patients=450)

    process = start_worker(burst=True)
    assert process.wait(120) == 0

    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED, job.error
    assert (job.phase, job.done, job.total) == (Job.Phase.DONE, 450, 450)
    assert job.summary["total"] == 450
    assert job.started_at and job.finished_at and job.worker_name
    _assert_outputs_match(job)


def test_it_runs_a_job_through_an_in_process_burst_worker(make_job: Any, burst_worker: Any) -> None:
    job = make_job(total_patients=250)

    assert burst_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED, job.error
    assert job.attempt == 1
    _assert_outputs_match(job)


def test_it_writes_files_under_the_jobs_own_folder(make_job: Any, burst_worker: Any) -> None:
    job = make_job()

    burst_worker()

    assert all(o.file.name.startswith(f"jobs/{job.id}/") for o in job.outputs.all())


def test_it_marks_a_job_failed_with_the_reason_and_no_files(
    make_job: Any, burst_worker: Any, settings: Any
) -> None:
    job = make_job()
    Job.objects.filter(pk=job.pk).update(formats=["json", "no-such-format"])

    burst_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Generation failed:")
    assert "no-such-format" in job.error
    assert not job.outputs.exists()
    assert not (settings.MEDIA_ROOT / "jobs" / str(job.id) / "1").exists()


def test_it_does_not_run_a_job_twice(make_job: Any, burst_worker: Any) -> None:
    from jobs.runs import tasks

    job = make_job()
    burst_worker()
    tasks.run_job(str(job.id))

    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED
    assert job.attempt == 1
    assert job.outputs.count() == 3
