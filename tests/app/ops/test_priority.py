"""Workers lower their CPU priority (settings.MEDGEN_WORKER_NICE), unless turned off."""

from __future__ import annotations

import os

from tests.app.medgen_site.test_settings import _manage

CODE = "from jobs.ops.priority import lower_priority; print('nice', lower_priority())"


def test_a_worker_process_lowers_its_priority() -> None:
    result = _manage("shell", "-c", CODE, DEBUG="1")

    # Niceness stops at 19 (this test process may be niced already).
    assert result.stdout.split()[-1] == str(min(19, os.nice(0) + 19)), result.stderr


def test_a_setting_turns_it_off() -> None:
    result = _manage("shell", "-c", CODE, DEBUG="1", MEDGEN_WORKER_NICE="0")

    assert result.stdout.split()[-1] == str(os.nice(0)), result.stderr
