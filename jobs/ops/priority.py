"""Workers run generation at a lower CPU priority than the web process.

Two cores busy with a job made the status page's p95 rise from ~10 ms to ~130 ms. A
worker lowers its own priority once when it starts (`os.nice`, settings.MEDGEN_WORKER_NICE,
19, the lowest, by default; 0 turns it off); the engine's processes are started by the worker and
inherit it. Under contention the kernel then gives daphne the CPU first, while jobs still
use every idle cycle, so a job alone on the machine runs as fast as before.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings

log = logging.getLogger(__name__)


def lower_priority() -> int:
    """Raise this process's niceness by MEDGEN_WORKER_NICE; the niceness it now has."""
    increment = settings.MEDGEN_WORKER_NICE
    if increment <= 0:
        return os.nice(0)
    try:
        niceness = os.nice(increment)
    except OSError:  # a platform or a sandbox that refuses: run at normal priority
        log.warning("could not lower the worker's CPU priority", exc_info=True)
        return os.nice(0)
    log.info("worker CPU priority lowered: nice %d", niceness)
    return niceness
