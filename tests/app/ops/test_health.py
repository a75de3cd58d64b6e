"""/healthz and /readyz for load balancers: no login, nothing about jobs."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_healthz_answers_without_login_or_database(
    client: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_answers_when_database_and_redis_do(client: Any) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok"}


def test_readyz_fails_when_redis_is_down(client: Any, settings: Any) -> None:
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "unavailable"}


def test_readyz_fails_when_the_database_is_down(client: Any, monkeypatch: Any) -> None:
    from jobs.ops import health

    def refuse() -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "redis": "ok"}
