"""Disk space for a job's files: checked before a job starts and while it writes.

Before: the job's estimated size plus MEDGEN_MIN_FREE_BYTES must be free under
MEDIA_ROOT, else the job fails at once with a clear message. While writing: every sink
is wrapped so that, every CHECK_EVERY bytes, a write that would leave less than the
reserve raises ENOSPC before the disk is full for everyone; the task then removes the
attempt's files and fails the job with jobs.runs.failures.OUT_OF_SPACE. A real ENOSPC
from the disk takes the same way. Storages without a local path (object stores) are not
checked.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage

# Rough bytes per patient by format, with clinical detail (measured on the presets and
# rounded up): an estimate only has to be on the safe side.
BYTES_PER_PATIENT = {"json": 5000, "ndjson": 5000, "csv": 2000, "fhir": 16000}
CHECK_EVERY = 64 * 1024 * 1024


def free_bytes() -> int | None:
    """Free bytes where job files are written, or None when storage has no local path."""
    try:
        path = default_storage.path("")
    except NotImplementedError:
        return None
    return shutil.disk_usage(path).free


def estimate(total_patients: int, formats: list[str]) -> int:
    return total_patients * sum(BYTES_PER_PATIENT.get(name, 5000) for name in formats)


def check_before_start(total_patients: int, formats: list[str], free: int | None) -> None:
    """Raise ENOSPC when the job's files would not fit with the reserve left over."""
    if free is None:
        return
    needed = estimate(total_patients, formats) + settings.MEDGEN_MIN_FREE_BYTES
    if free < needed:
        raise OSError(errno.ENOSPC, "not enough free space to start this job")


class GuardedSink:
    """A binary sink that raises ENOSPC before a write eats into the reserve."""

    def __init__(self, handle: IO[bytes], free: Callable[[], int | None]) -> None:
        self._handle = handle
        self._free = free
        self._since_check = CHECK_EVERY  # check on the first write

    def write(self, data: Any) -> int:
        size = len(data)
        self._since_check += size
        if self._since_check >= CHECK_EVERY:
            self._since_check = 0
            free = self._free()
            if free is not None and free - size < settings.MEDGEN_MIN_FREE_BYTES:
                raise OSError(errno.ENOSPC, "No space left on device")
        return self._handle.write(data)

    def close(self) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)
