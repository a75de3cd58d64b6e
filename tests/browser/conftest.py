"""A live MedGen for the browser tests: daphne + a real RQ worker on their own database.

pytest-django's test database lives inside a transaction the subprocesses cannot see,
so this stack creates a database of its own (`medgen_browser`), migrates it, adds the
user, and starts daphne on a free port with the same environment. The worker is
started by the test (`live.start_worker()`) so it can watch a queued job go live.
Redis database 14 holds the queue and the channel layer, flushed before and after.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Parallel test runs on one machine (several work trees) pick their own with these.
DATABASE = os.environ.get("BROWSER_DATABASE_NAME", "medgen_browser")
REDIS_DB = int(os.environ.get("BROWSER_REDIS_DB", "14"))
USERNAME, PASSWORD = "alice", "alice-browser-password"


@dataclass
class LiveStack:
    """The running site: its URL, the login, and a way to start workers."""

    url: str
    env: dict[str, str]
    username: str = USERNAME
    password: str = PASSWORD
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self) -> subprocess.Popen[bytes]:
        """A real `manage.py rqworker default`, stopped with the stack."""
        return self._spawn([sys.executable, "manage.py", "rqworker", "default"])

    def _spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _recreate_database(server_url: str) -> None:
    with psycopg.connect(_with_path(server_url, "/postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def _drop_database(server_url: str) -> None:
    with psycopg.connect(_with_path(server_url, "/postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not answer at {url} within {seconds} s")


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """daphne serving MedGen on its own database, Redis db and media folder."""
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/medgen")
    redis_url = _with_path(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), f"/{REDIS_DB}")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _with_path(server_url, f"/{DATABASE}"),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("browser-media")),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DB_POOL_MAX_SIZE": "4",
        "MEDGEN_CHUNK_SIZE": "50",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "medgen_site.settings",  # the site's own, not the tests'
    }
    queue = redis.Redis.from_url(redis_url)
    queue.flushdb()
    _recreate_database(server_url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    create = "from django.contrib.auth import get_user_model as u; u().objects.create_user"
    _manage(env, "shell", "-c", f"{create}({USERNAME!r}, password={PASSWORD!r})")
    stack = LiveStack(url=f"http://127.0.0.1:{port}", env=env)
    daphne = stack._spawn(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "medgen_site.asgi:application",
        ]
    )
    try:
        _wait_until_up(f"{stack.url}/accounts/login/", daphne)
        yield stack
    finally:
        stack.stop()
        queue.flushdb()
        _drop_database(server_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (Playwright's own browsers are not used)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-tools` (scripts/ensure-test-tools.sh)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


SHOTS = ROOT / "test-output" / "screenshots"  # screenshots for people to look at


def open_page(
    owner: Any, errors: list[str] | None = None, timeout_ms: int = 30_000, **options: Any
) -> tuple[Any, list[str]]:
    """A new page of `owner` (the browser or a context; `options` go to new_page) and the
    list its uncaught script errors go to: `errors`, when pages of a test share one.
    Every test asserts the list empty at its end."""
    page = owner.new_page(**options)
    page.set_default_timeout(timeout_ms)
    caught = [] if errors is None else errors
    page.on("pageerror", lambda error: caught.append(str(error)))
    return page, caught


def log_in(page: Any, live: Any, path: str = "/jobs/new/") -> None:
    """Open `path`, log in on the login page it sends us to, and wait to be back."""
    page.goto(f"{live.url}{path}")
    page.fill("input[name=username]", live.username)
    page.fill("input[name=password]", live.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def wait_until(page: Any, predicate: str, seconds: float = 30) -> None:
    """Poll `predicate` (a JS function) from Python: Playwright's wait_for_function
    evaluates a string inside the page, which the Content-Security-Policy (no eval) forbids."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {predicate}"
        time.sleep(0.1)
