"""/metrics: Prometheus text for staff or the metrics token, nobody else."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.infra import stats
from jobs.scenarios import cached

pytestmark = pytest.mark.django_db(transaction=True)


def _metrics(client: Any, **headers: str) -> Any:
    return client.get("/metrics", headers=headers)


def _lines(response: Any) -> set[str]:
    return set(response.content.decode().splitlines())


def test_it_describes_jobs_queue_patients_chunks_caches_and_connections(
    admin_client: Any, make_job: Any, burst_worker: Any
) -> None:
    make_job(total_patients=300)
    make_job(total_patients=300)
    queued = _lines(_metrics(admin_client))
    assert 'medgen_jobs{status="queued"} 2' in queued
    assert "medgen_queue_depth 2" in queued

    burst_worker()
    response = _metrics(admin_client)

    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = _lines(response)
    assert {'medgen_jobs{status="completed"} 2', 'medgen_jobs{status="queued"} 0'} <= lines
    assert "medgen_queue_depth 0" in lines
    assert "medgen_patients_generated_total 600" in lines
    assert "# TYPE medgen_chunk_duration_seconds histogram" in lines
    assert 'medgen_chunk_duration_seconds_bucket{le="+Inf"} 6' in lines  # 3 chunks of 100 each
    assert "medgen_chunk_duration_seconds_count 6" in lines
    assert {  # the second job of the same scenario finds its tables in the worker's memory
        'medgen_cache_hits_total{cache="tables_process"} 1',
        'medgen_cache_misses_total{cache="tables_process"} 1',
        'medgen_cache_hits_total{cache="tables"} 0',
        'medgen_cache_misses_total{cache="tables"} 1',
    } <= lines
    assert any(line.startswith('medgen_db_connections{state="active"} ') for line in lines)


def test_its_histogram_buckets_are_cumulative(admin_client: Any) -> None:
    for seconds in (0.004, 0.03, 0.03, 20.0):
        stats.observe_chunk(seconds)

    lines = _lines(_metrics(admin_client))

    assert 'medgen_chunk_duration_seconds_bucket{le="0.01"} 1' in lines
    assert 'medgen_chunk_duration_seconds_bucket{le="0.05"} 3' in lines
    assert 'medgen_chunk_duration_seconds_bucket{le="10.0"} 3' in lines
    assert 'medgen_chunk_duration_seconds_bucket{le="+Inf"} 4' in lines
    assert "medgen_chunk_duration_seconds_sum 20.064" in lines


def test_it_counts_scenario_lookups(admin_client: Any, staff: Any, document: Any) -> None:
    from jobs.models import ScenarioConfig

    config = ScenarioConfig.objects.create(owner=staff, name="A", document=document())
    cached.lookup(config.pk)
    cached.lookup(config.pk)

    lines = _lines(_metrics(admin_client))

    # Saving cached the new version, so even the first lookup hits.
    assert 'medgen_cache_hits_total{cache="scenario"} 2' in lines
    assert 'medgen_cache_misses_total{cache="scenario"} 0' in lines


def test_it_takes_the_metrics_token(client: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-token"

    assert _metrics(client, Authorization="Bearer s3cret-token").status_code == 200
    assert _metrics(client, Authorization="Bearer wrong").status_code == 401
    assert _metrics(client, Authorization="s3cret-token").status_code == 401


def test_it_refuses_everyone_else(client: Any, bob: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = ""

    anonymous = _metrics(client)
    empty_token = _metrics(client, Authorization="Bearer ")
    client.force_login(bob)
    not_staff = _metrics(client)

    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")
    assert empty_token.status_code == 401
    assert not_staff.status_code == 403
    assert b"medgen_" not in anonymous.content + not_staff.content
