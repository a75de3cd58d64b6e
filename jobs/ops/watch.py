"""A worker's watch: its own heartbeat in Redis, and a frequent check for dead workers.

Each worker runs one daemon thread (started in `JobWorker.bootstrap`) that

- sets `medgen:worker-alive:<name>` with a TTL of JOB_WORKER_TTL seconds every
  JOB_HEARTBEAT_SECONDS. The thread beats whatever the worker's job is doing (the engine
  renders in other processes or releases the GIL between chunks), so a slow job is never
  a silent worker; a worker killed with SIGKILL stops beating and its key expires.
- every JOB_WATCH_INTERVAL seconds, in one worker at a time (a Redis lock), runs
  `maintenance.watch_pass`: jobs of dead workers are re-run, queued jobs Redis lost are
  re-queued. RQ's own worker keys do not serve here: a SimpleWorker sets its key's TTL
  to the job timeout plus a minute when a job starts (hours), and no thread refreshes it.

The thread holds a database connection only during a pass, and closes it after.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from jobs.ops.heartbeat import beat
from jobs.ops.maintenance import watch_pass

log = logging.getLogger(__name__)
LOCK_KEY = "jobs:watch-lock"


class Watch(threading.Thread):
    def __init__(self, name: str) -> None:
        super().__init__(name=f"medgen-watch-{name}", daemon=True)
        self.worker_name = name
        self.stopping = threading.Event()

    def run(self) -> None:
        beats_per_pass = max(1, settings.JOB_WATCH_INTERVAL // settings.JOB_HEARTBEAT_SECONDS)
        count = 0
        while True:
            try:
                beat(self.worker_name)
                if count % beats_per_pass == 0 and self._take_turn():
                    watch_pass()
            except Exception:  # Redis or PostgreSQL away: try again next beat
                log.warning("worker watch: pass failed", exc_info=True)
            finally:
                connection.close()  # this thread holds no connection between passes
            count += 1
            if self.stopping.wait(settings.JOB_HEARTBEAT_SECONDS):
                return

    def _take_turn(self) -> bool:
        return bool(cache.add(LOCK_KEY, self.worker_name, max(1, settings.JOB_WATCH_INTERVAL - 1)))

    def stop(self) -> None:
        self.stopping.set()
