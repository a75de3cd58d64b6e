"""Saved scenario lookups and compiled tables from the cache, never stale, counted."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

import generation
from jobs.infra import stats
from jobs.models import ScenarioConfig
from jobs.scenarios import cached
from tests.conftest import ROOT


def _lookup_elsewhere(worker_env: dict[str, str], config_id: int) -> str:
    """The version another process's lookup returns ("None" for no scenario)."""
    code = (
        f"from jobs.scenarios import cached; s = cached.lookup({config_id}); "
        "print(s.version if s else None, s.document['total_patients'] if s else '')"
    )
    command = [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code]
    result = subprocess.run(
        command, env=worker_env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's own notice


@pytest.mark.django_db(transaction=True)
def test_the_next_read_in_another_process_sees_an_edit(
    alice: Any, document: Any, worker_env: dict[str, str]
) -> None:
    config = ScenarioConfig.objects.create(owner=alice, name="A", document=document())
    assert _lookup_elsewhere(worker_env, config.pk) == "1 300"
    assert cached.lookup(config.pk).version == 1  # now cached here too

    config.revise("A", "", document(total_patients=450))

    assert _lookup_elsewhere(worker_env, config.pk) == "2 450"
    assert cached.lookup(config.pk).document["total_patients"] == 450

    config.delete()

    assert _lookup_elsewhere(worker_env, config.pk) == "None"
    assert cached.lookup(config.pk) is None


@pytest.mark.django_db(transaction=True)
def test_a_slow_reader_cannot_put_back_an_older_version(alice: Any, document: Any) -> None:
    config = ScenarioConfig.objects.create(owner=alice, name="A", document=document())
    first = config.current_version()
    config.revise("A", "", document(total_patients=450))

    # A reader that loaded version 1 from the database before the edit committed.
    cached.publish(config.pk, first.version)

    assert cached.lookup(config.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_a_version_a_reader_saw_in_a_rolled_back_save_never_comes_back(
    alice: Any, document: Any
) -> None:
    config = ScenarioConfig.objects.create(owner=alice, name="A", document=document())
    with pytest.raises(RuntimeError), transaction.atomic():
        config.revise("A", "", document(total_patients=450))
        assert cached.lookup(config.pk).document["total_patients"] == 450  # seen here
        raise RuntimeError("the save fails after all")
    config.refresh_from_db()

    assert cached.lookup(config.pk).version == 1
    config.revise("A", "", document(total_patients=600))  # version 2 again, other content
    assert cached.lookup(config.pk).document["total_patients"] == 600


@pytest.mark.django_db(transaction=True)
def test_it_counts_hits_and_misses(alice: Any, bob: Any, document: Any) -> None:
    config = ScenarioConfig.objects.create(owner=alice, name="A", document=document())
    cache.clear()

    assert cached.lookup(config.pk, owner=alice).version == 1
    assert cached.lookup(config.pk, owner=alice).version == 1
    assert cached.lookup(config.pk, owner=bob) is None  # cached, but not bob's

    assert stats.cache_counts()["scenario"] == (2, 1)


@pytest.mark.django_db
def test_it_compiles_a_scenarios_tables_once(document: Any) -> None:
    scenario = generation.parse_scenario(document())

    first = cached.tables_for(scenario)
    second = cached.tables_for(generation.parse_scenario(document()))
    other = cached.tables_for(generation.parse_scenario(document(total_patients=301)))

    assert first == second and first.scenario == scenario
    assert other.scenario != scenario
    assert stats.cache_counts()["tables_process"] == (1, 2)  # the second came from memory
    assert stats.cache_counts()["tables"] == (0, 2)  # Redis: compiled twice, once each


@pytest.mark.django_db
def test_another_worker_gets_the_tables_from_redis(document: Any) -> None:
    scenario = generation.parse_scenario(document())
    compiled = cached.tables_for(scenario)
    cached.clear_process_tables()  # as if another worker process asked

    assert cached.tables_for(scenario) == compiled
    assert stats.cache_counts()["tables"] == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_jobs_use_the_cached_tables(make_job: Any, burst_worker: Any, monkeypatch: Any) -> None:
    compiled: list[Any] = []
    compile_tables = generation.compile_tables
    monkeypatch.setattr(
        generation, "compile_tables", lambda s: compiled.append(s) or compile_tables(s)
    )
    first, second = make_job(), make_job()

    assert burst_worker()

    for job in (first, second):
        job.refresh_from_db()
        assert job.status == "completed", job.error
    assert first.outputs.get(name="patients.json").sha256 == (
        second.outputs.get(name="patients.json").sha256
    )
    assert len(compiled) == 1
    assert stats.cache_counts()["tables_process"] == (1, 1)  # the second job: from memory
    assert stats.cache_counts()["tables"] == (0, 1)
