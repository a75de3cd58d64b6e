"""Every app test gets the tests' Redis database and its own MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app.sockets import open_socket

__all__ = ["open_socket"]  # a fixture for the websocket tests


@pytest.fixture(autouse=True)
def _isolated(redis_db: Any, media_root: Path, settings: Any) -> None:
    settings.MEDGEN_CHUNK_SIZE = 100
    settings.MEDGEN_PROGRESS_INTERVAL = 0
    # Many tests queue several jobs for alice; the tests of the cap set it themselves.
    settings.MEDGEN_USER_MAX_ACTIVE_JOBS = 0
