"""Worker names are built and read back in one format, `host~pid~random`."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest

from jobs.models import Job
from jobs.runs import tasks, worker_names


def test_a_built_name_reads_back_as_this_host_and_process() -> None:
    name = worker_names.build()

    assert worker_names.parse(name) == (socket.gethostname(), os.getpid())
    assert name.count(worker_names.SEPARATOR) == 2


def test_two_names_built_by_one_process_differ() -> None:
    # The random part keeps a reused pid from taking over an earlier worker's name.
    assert worker_names.build() != worker_names.build()


def test_a_name_in_another_format_has_no_process_id() -> None:
    assert worker_names.parse("other-host.4242") == ("other-host.4242", None)
    assert worker_names.parse("rq:worker:abc") == ("rq:worker:abc", None)
    assert worker_names.parse("host~notapid~x") == ("host", None)


@pytest.mark.django_db
def test_a_job_run_outside_rq_records_a_name_recovery_can_read(make_job: Any) -> None:
    job = make_job(total_patients=50)

    tasks.run_job(str(job.id))

    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED
    assert worker_names.parse(job.worker_name) == (socket.gethostname(), os.getpid())
