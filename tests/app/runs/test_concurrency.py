"""Ten different jobs at once: all complete, each true to its own scenario, in a
bounded number of database connections."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.db import connection, connections

from generation.scenario import WARFARE_TYPES
from jobs.models import Job
from jobs.runs.submit import submit_job

pytestmark = pytest.mark.django_db(transaction=True)

MAX_CONNECTIONS = 20
WORKERS = 3
NATIONS = ["USA", "POL", "EST", "FIN", "GBR", "DEU", "FRA", "LTU", "LVA", "NOR"]
WARFARE = list(WARFARE_TYPES)


def _scenario(i: int, document: Any) -> dict[str, Any]:
    nation = NATIONS[i % len(NATIONS)]
    return document(
        title=f"Job {i}",
        total_patients=300 + 250 * i,
        warfare={WARFARE[i % len(WARFARE)]: 1},
        fronts=[{"name": f"Front {i}", "share": 1, "nationalities": {nation: 1}}],
    )


class ConnectionSampler(threading.Thread):
    """Counts the test database's server connections every 20 ms."""

    def __init__(self, dbname: str) -> None:
        super().__init__(daemon=True)
        self.dbname, self.peak, self.samples = dbname, 0, 0
        self.stopping = threading.Event()

    def run(self) -> None:
        params = connection.settings_dict
        with psycopg.connect(
            host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], dbname="postgres"
        ) as conn:
            while not self.stopping.is_set():
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.dbname]
                ).fetchone()
                self.peak = max(self.peak, row[0] if row else 0)
                self.samples += 1
                time.sleep(0.02)


def _submit(owner: Any, doc: dict[str, Any]) -> Job:
    try:
        return submit_job(owner, doc, ("json", "ndjson"))
    finally:
        connections.close_all()


def test_it_runs_ten_different_jobs_at_once_within_the_connection_cap(
    alice: Any, document: Any, start_worker: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    sampler = ConnectionSampler(connection.settings_dict["NAME"])
    sampler.start()
    docs = [_scenario(i, document) for i in range(10)]
    with ThreadPoolExecutor(10) as pool:
        jobs = list(pool.map(lambda doc: _submit(alice, doc), docs))

    positions = sorted(j.queue_position() or 0 for j in Job.objects.all())
    workers = [start_worker(burst=True) for _ in range(WORKERS)]
    codes = [w.wait(300) for w in workers]
    sampler.stopping.set()
    sampler.join()

    assert positions == list(range(1, 11))  # beyond the worker count, jobs wait their turn
    assert codes == [0] * WORKERS
    assert sampler.samples > 10
    print(f"peak database connections: {sampler.peak} (cap {MAX_CONNECTIONS})")
    assert sampler.peak <= MAX_CONNECTIONS, f"{sampler.peak} connections"
    for job, doc in zip(jobs, docs, strict=True):
        job.refresh_from_db()
        assert job.status == Job.Status.COMPLETED, job.error
        _assert_follows(job, doc)


def _assert_follows(job: Job, doc: dict[str, Any]) -> None:
    nation = next(iter(doc["fronts"][0]["nationalities"]))
    warfare = next(iter(doc["warfare"]))
    with default_storage.open(job.outputs.get(name="patients.ndjson").file.name, "rb") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    assert len(records) == doc["total_patients"]
    assert {r["nationality"] for r in records} == {nation}
    assert {r["front"] for r in records} == {doc["fronts"][0]["name"]}
    battle = {r["warfare_type"] for r in records if r["category"] == "battle_injury"}
    assert battle == {warfare}
    assert job.summary["total"] == doc["total_patients"]
