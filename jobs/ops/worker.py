"""The RQ worker MedGen runs (settings.RQ["WORKER_CLASS"])."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from rq.worker import SimpleWorker

import generation
from generation import native
from jobs.infra import stats
from jobs.ops.maintenance import run_maintenance
from jobs.runs import worker_names
from jobs.runs.tasks import release_connections

log = logging.getLogger(__name__)


class JobWorker(SimpleWorker):
    """Runs jobs in its own process and does MedGen's housekeeping.

    No fork per job: a forked child would share the parent's database pool. RQ calls
    `run_maintenance_tasks` when the worker starts and every maintenance interval, so a
    job left running by a dead worker is noticed then (see jobs.ops.maintenance). The engine's
    reference tables are loaded when the worker starts (`warm_up`), not by its first job.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", settings.JOB_MAINTENANCE_INTERVAL)
        if len(args) < 2 and not kwargs.get("name"):
            kwargs["name"] = worker_names.build()
        super().__init__(*args, **kwargs)

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        super().bootstrap(*args, **kwargs)
        log_engine()
        warm_up()

    def heartbeat(self, *args: Any, **kwargs: Any) -> Any:
        """RQ's liveness mark, and this process's memory and CPU for /metrics."""
        result = super().heartbeat(*args, **kwargs)
        stats.report_process("worker")
        return result

    def run_maintenance_tasks(self) -> None:
        starting = self.last_cleaned_at is None
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]  # rq: unannotated
        try:
            run_maintenance(force=starting)
        except Exception:  # housekeeping must never stop the worker from taking jobs
            log.exception("job maintenance failed")
        finally:
            release_connections()


def log_engine() -> None:
    """Say which engine this worker runs: a warning when it lost its compiled speed."""
    engine = native.describe()
    log.log(
        logging.INFO if engine.startswith("compiled") else logging.WARNING, "engine: %s", engine
    )


def warm_up() -> None:
    """Load the engine's reference tables once per worker process, before any job."""
    started = time.perf_counter()
    generation.reference.warm()
    log.info("reference data loaded in %.0f ms", (time.perf_counter() - started) * 1000)
