"""The job path, measured through the real parts (`make bench` calls `main`).

1. A job of --count patients (default 100,000) submitted like the form does, run by a
   real `manage.py rqworker` process, timed from submit to "completed" in the database.
2. The JSON status view served by a real daphne, under --clients concurrent clients
   (default 50): closed loop (each client sends its next request as soon as the last one
   answers: the saturation case) and polling (each client asks once a second, like
   job pages whose socket dropped). Latency percentiles for both, and daphne's CPU time
   per request (read from /proc: steadier than latency on a shared machine).

`--status-only --count 1000` measures the status view quickly: a small job is run only to
have a finished job to poll, and the job path's timing is not reported.

Uses DATABASE_URL and REDIS_URL like the app; files go to a temporary MEDIA_ROOT, and the
bench user and job are deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_N", 100_000)))
    parser.add_argument("--preset", default="battalion-exercise")
    parser.add_argument("--format", default="json,csv")
    parser.add_argument("--no-clinical", action="store_true", help="clinical_detail off")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0, help="per status-view phase")
    parser.add_argument(
        "--status-only", action="store_true", help="only 2.: --count sized job, not timed"
    )
    parser.add_argument("--rounds", type=int, default=1, help="status-view measurements")
    args = parser.parse_args(argv)
    media = Path(tempfile.mkdtemp(prefix="medgen-bench-"))
    _setup_django(media)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:8]}")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(_start_worker(media))
        job_id = bench_job(args, user)
        port = _free_port()
        daphne = _start_daphne(media, port)
        processes.append(daphne)
        _wait_for_port(port)
        for _ in range(args.rounds):
            bench_status(args, user, job_id, port, daphne.pid)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)
        user.delete()  # the job and its files go with it
    return 0


def bench_job(args: argparse.Namespace, user: Any) -> str:
    import generation
    from jobs.models import Job
    from jobs.runs.submit import submit_job

    document = generation.load_preset(args.preset) | {"total_patients": args.count}
    document["clinical_detail"] = not args.no_clinical
    formats = args.format.split(",")
    started = time.perf_counter()
    job = submit_job(user, document, formats)
    while True:
        job.refresh_from_db()
        if not job.is_active:
            break
        time.sleep(0.01)
    wall = time.perf_counter() - started
    if job.status != Job.Status.COMPLETED:
        raise SystemExit(f"job path: the job ended {job.status}: {job.error}")
    if args.status_only:
        return str(job.id)
    size = sum(o.size for o in job.outputs.all())
    queued = (job.started_at - job.created_at).total_seconds() if job.started_at else 0.0
    from django.conf import settings

    workers = settings.MEDGEN_ENGINE_WORKERS
    print(
        f"job path: {args.count:,} patients ({args.format}, engine workers {workers}, "
        f"clinical detail {'off' if args.no_clinical else 'on'}) "
        f"submit->completed {wall:.2f} s "
        f"({args.count / wall:,.0f} patients/s; {queued:.2f} s queued; {size / 1e6:,.0f} MB "
        f"written)  target <= 10 s"
    )
    return str(job.id)


def bench_status(
    args: argparse.Namespace, user: Any, job_id: str, port: int, server_pid: int
) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    path = f"/jobs/{job_id}/status/"
    asyncio.run(_load(port, path, cookie, 1, 0.5, "closed-loop"))  # warm the server up
    for mode in ("closed-loop", "polling 1/s"):
        cpu_before, started = _cpu_seconds(server_pid), time.perf_counter()
        latencies = asyncio.run(_load(port, path, cookie, args.clients, args.seconds, mode))
        wall = time.perf_counter() - started
        cpu = (_cpu_seconds(server_pid) - cpu_before) * 1000 / len(latencies)
        rates = f"{len(latencies) / wall:,.0f} req/s, daphne CPU {cpu:.2f} ms/request"
        print(_describe(f"status view, {args.clients} clients, {mode}", latencies, rates))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: field 14 (utime) and 15 (stime) of proc(5), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(
    port: int, path: str, cookie: str, clients: int, seconds: float, mode: str
) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    interval = 1.0 if mode.startswith("polling") else 0.0
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Accept: application/json\r\nConnection: keep-alive\r\n\r\n"
    ).encode()

    async def one_client(offset: float) -> None:
        await asyncio.sleep(offset)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            writer.write(request)
            await writer.drain()
            await _read_response(reader)
            latencies.append(time.perf_counter() - began)
            if interval:
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - began)))
        writer.close()

    # Polling clients are spread over the second, as real pages would be.
    await asyncio.gather(*(one_client(interval * i / clients) for i in range(clients)))
    return latencies


async def _read_response(reader: asyncio.StreamReader) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    if status != b"200":
        raise SystemExit(f"status view answered {status.decode()}")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)


def _describe(label: str, latencies: list[float], rates: str) -> str:
    ms = sorted(value * 1000 for value in latencies)
    p50 = statistics.median(ms)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    p99 = ms[int(0.99 * (len(ms) - 1))]
    return (
        f"{label}: {len(ms):,} requests, p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms "
        f"(target p95 <= 10 ms); {rates}"
    )


def _env(media: Path) -> dict[str, str]:
    return {**os.environ, "MEDIA_ROOT": str(media), "PYTHONPATH": str(ROOT)}


def _setup_django(media: Path) -> None:
    # Production settings (DEBUG off) for this process, the worker and daphne alike (one
    # SECRET_KEY signs the session), except TLS, which a reverse proxy would add.
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=str(media),
        # The benches queue many jobs for one user at once (20 in bench_scenarios).
        MEDGEN_USER_MAX_ACTIVE_JOBS="0",
    )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medgen_site.settings")
    import django

    django.setup()
    # In `make bench` an earlier sub-bench already set Django up in this process, with its
    # own MEDIA_ROOT; this one's worker writes to `media`, so read files from there too
    # (override_settings tells the storage, which caches its location).
    from django.test.utils import override_settings

    override_settings(MEDIA_ROOT=str(media)).enable()


def _start_worker(media: Path) -> subprocess.Popen[bytes]:
    import django_rq
    from rq.worker import Worker

    name = f"bench-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "manage.py", "rqworker", "default", "--name", name, "-v", "0"]
    process = subprocess.Popen(command, cwd=ROOT, env=_env(media))
    connection = django_rq.get_connection("default")
    for _ in range(300):
        if any(w.name == name for w in Worker.all(connection=connection)):
            return process
        time.sleep(0.05)
    raise SystemExit("job path: the worker did not start")


def _start_daphne(media: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0",
        "medgen_site.asgi:application",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=_env(media))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int) -> None:
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit("job path: daphne did not start")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
