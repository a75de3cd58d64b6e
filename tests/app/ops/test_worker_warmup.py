"""Reference data is loaded when a worker starts, once, not by each job."""

from __future__ import annotations

from typing import Any

import pytest

from generation import reference

pytestmark = pytest.mark.django_db(transaction=True)
LOADERS = (
    reference.warfare,
    reference.care,
    reference.people,
    reference.conditions,
    reference.clinical,
    reference.nations,
    reference.snomed_terms,
    reference.presets,
)


def _forget_reference_data() -> None:
    for loader in LOADERS:
        loader.cache_clear()


def _loads() -> dict[str, int]:
    return {loader.__name__: loader.cache_info().misses for loader in LOADERS}


def test_a_starting_worker_loads_the_reference_data(burst_worker: Any) -> None:
    _forget_reference_data()

    burst_worker()  # no job queued: only start-up ran

    assert set(_loads().values()) == {1}


def test_a_second_job_in_the_same_worker_does_not_reload_it(
    make_job: Any, burst_worker: Any, monkeypatch: Any
) -> None:
    from jobs.runs import tasks

    after_each_job: list[dict[str, int]] = []
    run_job = tasks.run_job

    def run_and_record(job_id: str) -> None:
        run_job(job_id)
        after_each_job.append(_loads())

    make_job(total_patients=200)
    make_job(total_patients=250)
    monkeypatch.setattr(tasks, "run_job", run_and_record)  # the worker looks it up by name
    _forget_reference_data()

    assert burst_worker()

    assert after_each_job == [dict.fromkeys(_loads(), 1)] * 2
    assert reference.warfare.cache_info().hits > 0


def test_a_starting_worker_says_which_engine_runs(burst_worker: Any, caplog: Any) -> None:
    from generation import native

    with caplog.at_level("INFO", logger="jobs.ops.worker"):
        burst_worker()

    said = [r for r in caplog.records if r.getMessage().startswith("engine: ")]
    assert [r.getMessage() for r in said] == [f"engine: {native.describe()}"]
    assert said[0].levelname == ("INFO" if native.describe().startswith("compiled") else "WARNING")
