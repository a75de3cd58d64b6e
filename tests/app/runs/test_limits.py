"""Per-user limits (jobs.runs.limits) and disk space (jobs.runs.space)."""

from __future__ import annotations

import errno
from typing import Any

import pytest

from jobs.models import Job
from jobs.runs import limits, space
from jobs.runs.failures import OUT_OF_SPACE

pytestmark = pytest.mark.django_db


def test_active_jobs_are_limited(make_job: Any, settings: Any, alice: Any) -> None:
    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 2
    make_job(), make_job()

    with pytest.raises(limits.LimitExceeded) as refused:
        make_job()

    assert refused.value.field == "__all__" and refused.value.retry_after == 60
    assert "2 jobs queued or running" in refused.value.message
    assert Job.objects.filter(owner=alice).count() == 2


def test_patients_per_job_and_per_day_are_limited(make_job: Any, settings: Any) -> None:
    settings.MEDGEN_USER_MAX_PATIENTS_PER_JOB = 1000
    settings.MEDGEN_USER_MAX_PATIENTS_PER_DAY = 1500
    with pytest.raises(limits.LimitExceeded, match="at most 1,000 casualties") as per_job:
        make_job(total_patients=1001)
    assert per_job.value.field == "total_patients" and per_job.value.retry_after is None

    make_job(total_patients=1000)
    with pytest.raises(limits.LimitExceeded, match="over 1,500 casualties in 24 hours") as daily:
        make_job(total_patients=600)
    assert daily.value.retry_after and daily.value.retry_after > 3600


def test_failed_and_cancelled_jobs_do_not_count(make_job: Any, settings: Any) -> None:
    settings.MEDGEN_USER_MAX_PATIENTS_PER_DAY = 1000
    job = make_job(total_patients=1000)
    job.cancel()

    make_job(total_patients=1000)  # allowed: the cancelled one is not counted


def test_staff_are_exempt(make_job: Any, settings: Any, staff: Any) -> None:
    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 1
    settings.MEDGEN_USER_MAX_PATIENTS_PER_JOB = 10
    for _ in range(3):
        make_job(owner=staff, total_patients=300)


def test_the_form_shows_the_limit_and_the_list_shows_usage(
    alice_client: Any, make_job: Any, settings: Any, redis_db: Any
) -> None:
    from jobs.scenario_form.form import ScenarioForm

    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 1
    make_job(total_patients=300)
    data = ScenarioForm.data_from_initial(ScenarioForm.initial_from_preset("battalion-exercise"))

    response = alice_client.post("/jobs/new/", data)

    assert response.status_code == 429
    assert "1 jobs queued or running" in response.content.decode()
    listing = alice_client.get("/jobs/").content.decode()
    assert "Your usage: 1 of 1 jobs queued or running; 300 of 2,000,000 casualties" in listing


def test_a_job_without_room_to_start_fails_before_writing(
    make_job: Any,
    burst_worker: Any,
    media_root: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(space, "free_bytes", lambda: 10 * 1024**2)  # 10 MB left
    with django_capture_on_commit_callbacks(execute=True):
        job = make_job(total_patients=300)
    burst_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == OUT_OF_SPACE
    assert not (media_root / "jobs" / str(job.id)).exists()


def test_a_storage_that_runs_out_of_space_mid_job_leaves_no_files(
    make_job: Any,
    burst_worker: Any,
    media_root: Any,
    monkeypatch: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # A storage that reports "no space left" after some bytes: the disk filling up.
    from jobs.infra import storage

    real_open = storage.open_for_write

    class FillingUp:
        def __init__(self, handle: Any) -> None:
            self.handle, self.written = handle, 0

        def write(self, data: Any) -> int:
            self.written += len(data)
            if self.written > 20_000:
                raise OSError(errno.ENOSPC, "No space left on device", str(media_root))
            return int(self.handle.write(data))

        def close(self) -> None:
            self.handle.close()

    monkeypatch.setattr(storage, "open_for_write", lambda name: FillingUp(real_open(name)))
    settings.MEDGEN_ENGINE_WORKERS = 1
    with django_capture_on_commit_callbacks(execute=True):
        job = make_job(total_patients=2000, formats=("json", "csv"))
    burst_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == OUT_OF_SPACE and str(media_root) not in job.error
    assert not list((media_root / "jobs").rglob("*.*"))  # no partial files


def test_the_guarded_sink_stops_before_the_reserve(settings: Any) -> None:
    settings.MEDGEN_MIN_FREE_BYTES = 1000
    written: list[bytes] = []

    class Handle:
        def write(self, data: bytes) -> int:
            written.append(data)
            return len(data)

    sink = space.GuardedSink(Handle(), lambda: 1500)  # type: ignore[arg-type]
    sink.write(b"x" * 400)  # leaves 1,100: fine
    sink._since_check = space.CHECK_EVERY  # the next write checks again
    with pytest.raises(OSError) as full:
        sink.write(b"x" * 600)  # would leave 900 < 1,000

    assert full.value.errno == errno.ENOSPC and written == [b"x" * 400]


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_cannot_pass_the_limit_together(
    alice: Any, settings: Any, redis_db: Any
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from jobs.runs.submit import submit_job
    from tests.conftest import scenario_doc

    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 2

    def submit(_: int) -> str:
        try:
            submit_job(alice, scenario_doc(), ("json",))
            return "ok"
        except limits.LimitExceeded:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(submit, range(6)))

    assert outcomes.count("ok") == 2 and Job.objects.count() == 2
