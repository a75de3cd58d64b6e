"""`make run` restarts a dead worker (scripts/supervise.sh) and stops only when told."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import ROOT


def test_a_command_that_dies_is_restarted_with_a_log_line_and_back_off(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    command = [str(ROOT / "scripts" / "supervise.sh"), "worker 1"]
    command += ["sh", "-c", f"echo run >> {runs}; exit 3"]
    env = {**os.environ, "SUPERVISE_FIRST_DELAY": "0.2", "SUPERVISE_MAX_DELAY": "0.4"}
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not runs.exists() or len(runs.read_text().split()) < 3):
        time.sleep(0.1)

    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)

    assert len(runs.read_text().split()) >= 3
    assert "worker 1 stopped (exit status 3); restarting in 0.2 s" in stderr
    assert "restarting in 0.4 s" in stderr  # backing off


def test_stopping_the_supervisor_stops_its_command(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    command = [str(ROOT / "scripts" / "supervise.sh"), "worker 1"]
    command += ["sh", "-c", f"echo $$ > {pid_file}; exec sleep 60"]
    process = subprocess.Popen(command)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not pid_file.exists():
        time.sleep(0.05)
    time.sleep(0.2)
    child = int(pid_file.read_text())

    process.send_signal(signal.SIGINT)
    assert process.wait(10) == 0
    time.sleep(0.2)
    try:
        os.kill(child, 0)
    except ProcessLookupError:
        return
    raise AssertionError("the supervised command outlived its supervisor")


def test_make_run_supervises_workers_and_waits_only_for_daphne() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert 'scripts/supervise.sh "worker $i"' in script
    assert 'wait "$daphne"' in script and "wait -n" not in script
