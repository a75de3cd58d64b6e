"""MedGen through PgBouncer in transaction mode, as docs/operations.md tells operators to run it.

The test starts its own PgBouncer (Debian's package, installed by
scripts/ensure-test-tools.sh) on a free port in front of the test database, with two server
connections handed out in turn (`server_round_robin`), so consecutive transactions of one
client land on different connections: any session state MedGen kept across transactions
(a WITH HOLD cursor, a prepared statement, a SET that PgBouncer does not track) would be
missing on the next one. (With server-side cursors on, retention's `.iterator()` fails
here with 'portal ... does not exist'.) The web views run in this
process with the database connection pointed at PgBouncer; the worker is a real
`manage.py rqworker` whose only DATABASE_URL is PgBouncer's.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connections
from django.urls import reverse

from jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def pgbouncer(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A PgBouncer in transaction mode in front of the test database's server: its address."""
    if not os.access(PGBOUNCER, os.X_OK):
        pytest.fail(
            "pgbouncer is not installed: run scripts/ensure-test-tools.sh "
            "(Debian package `pgbouncer`; `make test` runs it)"
        )
    db = connections["default"].settings_dict
    host, port, user = db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432), db["USER"]
    home = tmp_path / "pgbouncer"
    home.mkdir()
    home.chmod(0o755)  # PgBouncer refuses to run as root and drops to `nobody` (below)
    (home / "users.txt").write_text(f'"{user}" ""\n')
    listen = _free_port()
    config = home / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        f"* = host={host} port={port}\n"  # any database name, the test database included
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {listen}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {home / 'users.txt'}\nadmin_users = {user}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmin_pool_size = 2\n"
        "server_round_robin = 1\nmax_client_conn = 50\n"
        + ("user = nobody\n" if os.geteuid() == 0 else "")
    )
    log = (home / "pgbouncer.log").open("wb")
    process = subprocess.Popen([PGBOUNCER, str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(listen, process, home / "pgbouncer.log")
        yield {"host": "127.0.0.1", "port": listen, "user": user, "log": home / "pgbouncer.log"}
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"pgbouncer exited at start: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"pgbouncer did not listen on {port} within 10 s: {log.read_text()}")


@pytest.fixture
def through_pgbouncer(pgbouncer: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """This process's database connection goes through PgBouncer for the test, as
    docs/operations.md sets it up (server-side cursors off)."""
    connection: Any = connections["default"]  # the PostgreSQL wrapper, with its pool
    db = connection.settings_dict
    saved = {key: db[key] for key in ("HOST", "PORT", "DISABLE_SERVER_SIDE_CURSORS")}
    connection.close()
    connection.close_pool()  # the pool holds direct connections: new ones must be PgBouncer's
    db.update(HOST=pgbouncer["host"], PORT=str(pgbouncer["port"]), DISABLE_SERVER_SIDE_CURSORS=True)
    try:
        yield pgbouncer
    finally:
        connection.close()
        connection.close_pool()
        db.update(saved)


def _transactions_through(pgbouncer: dict[str, Any], database: str) -> int:
    """PgBouncer's own count of transactions it carried for `database` (admin console)."""
    address = f"postgres://{pgbouncer['user']}@127.0.0.1:{pgbouncer['port']}/pgbouncer"
    with psycopg.connect(address, autocommit=True, prepare_threshold=None) as admin:
        cursor = admin.cursor(row_factory=psycopg.rows.dict_row)
        rows = cursor.execute("SHOW STATS").fetchall()
    return sum(int(row["total_xact_count"]) for row in rows if row["database"] == database)


def test_a_job_runs_end_to_end_through_pgbouncer_in_transaction_mode(
    through_pgbouncer: dict[str, Any],
    worker_env: dict[str, str],
    start_worker: Any,
    alice_client: Any,
    make_job: Any,
) -> None:
    database = connections["default"].settings_dict["NAME"]
    assert connections["default"].settings_dict["PORT"] == str(through_pgbouncer["port"])
    job = make_job(total_patients=400, formats=("json", "csv"))

    # The worker's only way to the database is PgBouncer.
    bouncer = f"postgres://{through_pgbouncer['user']}@127.0.0.1:{through_pgbouncer['port']}"
    worker_env |= {"DATABASE_URL": f"{bouncer}/{database}", "DB_DISABLE_SERVER_SIDE_CURSORS": "1"}
    worker = start_worker(burst=True)
    state = _poll_status(alice_client, job, seconds=120)
    assert worker.wait(60) == 0, "the worker failed behind PgBouncer"

    assert (state["status"], state["done"], state["percent"]) == ("completed", 400, 100.0)
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED, job.error
    assert alice_client.get(reverse("job_detail", args=[job.id])).status_code == 200
    assert alice_client.get(reverse("job_list")).status_code == 200

    outputs = {o.name: o for o in job.outputs.all()}
    answer = alice_client.get(reverse("download_file", args=[job.id, "patients.json"]))
    body = b"".join(answer.streaming_content)
    assert hashlib.sha256(body).hexdigest() == outputs["patients.json"].sha256
    assert len(json.loads(body)) == 400
    answer = alice_client.get(reverse("download_zip", args=[job.id]))
    with zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))) as archive:
        members = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}
        assert {"patients.json", "patients.csv", "manifest.json"} <= set(members)
        csv_bytes = archive.read(members["patients.csv"])
    assert hashlib.sha256(csv_bytes).hexdigest() == outputs["patients.csv"].sha256

    # Retention walks jobs with .iterator(): with server-side cursors off that is one
    # query, which transaction pooling can carry.
    from jobs.ops.maintenance import delete_jobs

    assert delete_jobs(Job.objects.filter(pk=job.pk)) == 1
    assert not Job.objects.filter(pk=job.pk).exists()

    assert _transactions_through(through_pgbouncer, database) > 20
    log = through_pgbouncer["log"].read_text()
    assert " ERROR " not in log and "WARNING" not in log, log


def _poll_status(client: Any, job: Job, seconds: float) -> dict[str, Any]:
    """The page's status view, polled as the page does, until the job finishes."""
    deadline = time.monotonic() + seconds
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = client.get(reverse("job_status", args=[job.id]))
        assert answer.status_code == 200
        state = answer.json()
        if state["finished"]:
            return state
        time.sleep(0.2)
    raise AssertionError(f"the job did not finish within {seconds} s: {state}")
