"""/metrics: Prometheus text for staff or the metrics token, nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from jobs.infra import stats
from jobs.scenarios import cached

pytestmark = pytest.mark.django_db(transaction=True)


def _metrics(client: Any, **headers: str) -> Any:
    return client.get("/metrics", headers=headers)


def _samples(response: Any) -> dict[str, float]:
    """{'name{label="value",...}': value} for every sample, parsed by the client library."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


def test_it_describes_jobs_queue_patients_chunks_caches_and_connections(
    admin_client: Any, make_job: Any, burst_worker: Any
) -> None:
    make_job(total_patients=300)
    make_job(total_patients=300)
    queued = _samples(_metrics(admin_client))
    assert queued['medgen_jobs{status="queued"}'] == 2
    assert queued["medgen_queue_depth"] == 2
    assert queued["medgen_queue_oldest_wait_seconds"] >= 0

    burst_worker()
    response = _metrics(admin_client)

    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples = _samples(response)
    assert samples['medgen_jobs{status="completed"}'] == 2
    assert samples['medgen_jobs{status="queued"}'] == 0
    assert samples["medgen_queue_depth"] == 0
    assert samples["medgen_queue_oldest_wait_seconds"] == 0
    assert samples["medgen_patients_generated_total"] == 600
    assert samples['medgen_chunk_duration_seconds_bucket{le="+Inf"}'] == 6  # 3 chunks of 100
    assert samples["medgen_chunk_duration_seconds_count"] == 6
    assert samples["medgen_job_duration_seconds_count"] == 2
    assert samples["medgen_jobs_failed_total"] == 0
    # The second job of the same scenario finds its tables in the worker's memory.
    assert samples['medgen_cache_hits_total{cache="tables_process"}'] == 1
    assert samples['medgen_cache_misses_total{cache="tables_process"}'] == 1
    assert samples['medgen_cache_hits_total{cache="tables"}'] == 0
    assert samples['medgen_cache_misses_total{cache="tables"}'] == 1
    assert samples['medgen_db_connections{state="active"}'] >= 1
    assert samples["medgen_db_connection_budget"] == 20
    assert samples["medgen_ready"] == 1


def test_it_reports_memory_and_cpu_per_process_kind(
    admin_client: Any, make_job: Any, burst_worker: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(stats, "PROCESS_REPORT_EVERY", 0.0)
    make_job(total_patients=300)
    burst_worker()  # reports as a worker while it generates

    samples = _samples(_metrics(admin_client))  # the scraped process reports as web

    for kind in ("web", "worker"):
        memory = [
            v
            for k, v in samples.items()
            if k.startswith(f'medgen_process_resident_memory_bytes{{kind="{kind}"')
        ]
        assert memory and all(10_000_000 < v < 4_000_000_000 for v in memory), kind
        assert any(
            k.startswith(f'medgen_process_cpu_seconds_total{{kind="{kind}"') for k in samples
        )
    assert samples["process_resident_memory_bytes"] > 0  # the library's own collector


def test_it_counts_failed_jobs(admin_client: Any, make_job: Any, monkeypatch: Any) -> None:
    from jobs.runs import tasks

    job = make_job(total_patients=300)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks.generation, "generate", broken)
    tasks.run_job(str(job.id))

    assert _samples(_metrics(admin_client))["medgen_jobs_failed_total"] == 1


def test_it_times_the_status_view(alice_client: Any, admin_client: Any, make_job: Any) -> None:
    job = make_job(total_patients=300)
    for _ in range(3):
        assert alice_client.get(f"/jobs/{job.id}/status/").status_code == 200

    samples = _samples(_metrics(admin_client))

    assert samples["medgen_status_request_duration_seconds_count"] == 3
    assert samples['medgen_status_request_duration_seconds_bucket{le="+Inf"}'] == 3
    assert 0 < samples["medgen_status_request_duration_seconds_sum"] < 3


def test_its_histogram_buckets_are_cumulative(admin_client: Any) -> None:
    for seconds in (0.004, 0.03, 0.03, 20.0):
        stats.observe_chunk(seconds)

    samples = _samples(_metrics(admin_client))

    assert samples['medgen_chunk_duration_seconds_bucket{le="0.01"}'] == 1
    assert samples['medgen_chunk_duration_seconds_bucket{le="0.05"}'] == 3
    assert samples['medgen_chunk_duration_seconds_bucket{le="10.0"}'] == 3
    assert samples['medgen_chunk_duration_seconds_bucket{le="+Inf"}'] == 4
    assert samples["medgen_chunk_duration_seconds_sum"] == pytest.approx(20.064)


def test_it_counts_scenario_lookups(admin_client: Any, staff: Any, document: Any) -> None:
    from jobs.models import ScenarioConfig

    config = ScenarioConfig.objects.create(owner=staff, name="A", document=document())
    cached.lookup(config.pk)
    cached.lookup(config.pk)

    samples = _samples(_metrics(admin_client))

    # Saving cached the new version, so even the first lookup hits.
    assert samples['medgen_cache_hits_total{cache="scenario"}'] == 2
    assert samples['medgen_cache_misses_total{cache="scenario"}'] == 0


def test_it_still_answers_when_redis_is_down(admin_client: Any, monkeypatch: Any) -> None:
    from redis import Redis

    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    monkeypatch.setattr(stats, "redis", lambda: down)

    response = _metrics(admin_client)

    samples = _samples(response)
    assert response.status_code == 200
    assert samples["medgen_ready"] in (0, 1)  # the cache may still answer; counters may not
    assert 'medgen_jobs{status="queued"}' in samples
    assert "medgen_patients_generated_total" not in samples


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
