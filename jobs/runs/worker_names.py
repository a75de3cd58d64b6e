"""Worker names, `host~pid~random`: built when a worker starts, read back by recovery.

A job records the name of the worker running it (`Job.worker_name`). Recovery on the same
machine reads the host and process id back out of it to see that the process is gone
(jobs.ops.maintenance), so the one format is built and parsed here and nowhere else.
The random part keeps two workers apart when a pid is reused.
"""

from __future__ import annotations

import os
import socket
import uuid

SEPARATOR = "~"


def build() -> str:
    """This process's worker name: host~pid~8 random hex digits."""
    return SEPARATOR.join((socket.gethostname(), str(os.getpid()), uuid.uuid4().hex[:8]))


def parse(name: str) -> tuple[str, int | None]:
    """The host and process id in `name`; pid None when it carries none (a foreign name)."""
    host, _, rest = name.partition(SEPARATOR)
    pid = rest.split(SEPARATOR, 1)[0]
    return host, int(pid) if pid.isdigit() else None
