"""Tokens at the door: 401 without a usable one, 403 for read-only writes, 429 past the rate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jobs.api.models import ApiToken
from jobs.runs.models import Job
from tests.conftest import scenario_doc

pytestmark = pytest.mark.django_db

# One request of each kind: every endpoint sits behind the same door.
READS = ["/presets", "/presets/mascal-drill", "/scenarios", "/jobs"]
WRITES = [
    ("post", "/jobs", {"preset": "mascal-drill"}),
    ("post", "/scenarios", {"name": "x", "document": scenario_doc()}),
    ("put", "/scenarios/1", {"name": "x", "document": scenario_doc()}),
    ("delete", "/scenarios/1", None),
    ("post", "/jobs/00000000-0000-0000-0000-000000000000/cancel", None),
    ("post", "/jobs/00000000-0000-0000-0000-000000000000/rerun", None),
    ("delete", "/jobs/00000000-0000-0000-0000-000000000000", None),
]


@pytest.mark.parametrize("path", READS)
def test_it_401s_without_a_token(api: Any, path: str) -> None:
    response = api.get(path, token=None)

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"] == 'Bearer realm="MedGen API"'


@pytest.mark.parametrize("header", ["Bearer mg_nope", "Bearer ", "Basic YWxpY2U6YWxpY2U=", "mg_x"])
def test_it_401s_for_a_wrong_token_or_scheme(api: Any, header: str) -> None:
    assert api.get("/jobs", token=None, headers={"Authorization": header}).status_code == 401


def test_it_401s_for_a_revoked_token(api: Any, alice_token: str) -> None:
    ApiToken.objects.get().revoke()

    assert api.get("/jobs").status_code == 401
    assert api.post("/jobs", {"preset": "mascal-drill"}).status_code == 401


def test_it_401s_for_an_expired_token(api: Any, alice: Any, make_token: Any) -> None:
    expired = make_token(alice, expires_at=timezone.now() - timedelta(seconds=1))
    later = make_token(alice, expires_at=timezone.now() + timedelta(days=1))

    assert api.get("/jobs", token=expired).status_code == 401
    assert api.get("/jobs", token=later).status_code == 200


def test_it_401s_for_a_deactivated_owner(api: Any, alice: Any) -> None:
    alice.is_active = False
    alice.save()

    assert api.get("/jobs").status_code == 401


def test_it_ignores_a_browser_session_without_a_token(api: Any, alice_client: Any) -> None:
    assert api.get("/jobs", token=None).status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_it_403s_when_a_read_only_token_writes(
    api: Any, alice_read_token: str, method: str, path: str, body: Any
) -> None:
    response = api.call(method, path, body, token=alice_read_token)

    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Job.objects.exists()


def test_it_lets_a_read_only_token_read_and_validate(api: Any, alice_read_token: str) -> None:
    assert api.get("/jobs", token=alice_read_token).status_code == 200
    answer = api.post("/scenarios/validate", {"document": scenario_doc()}, token=alice_read_token)
    assert answer.status_code == 200


def test_it_stores_only_a_hash_and_shows_a_prefix(alice: Any) -> None:
    token, secret = ApiToken.issue(alice, "script", ApiToken.Scope.READ)

    assert secret.startswith("mg_") and len(secret) >= 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}
    assert stored["prefix"] == secret[:10]
    assert ApiToken.authenticate(secret) == token
    assert ApiToken.authenticate(secret[:-1]) is None


def test_it_records_last_use_at_most_once_a_minute(
    api: Any, django_assert_num_queries: Any
) -> None:
    api.get("/presets")
    token = ApiToken.objects.get()
    first = token.last_used_at
    assert first is not None

    with django_assert_num_queries(1):  # the token lookup; no write
        api.get("/presets")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get("/presets")

    token.refresh_from_db()
    assert token.last_used_at > first


def test_it_429s_past_the_rate_with_retry_after(api: Any, bob_token: str, settings: Any) -> None:
    settings.MEDGEN_API_RATE_LIMIT, settings.MEDGEN_API_RATE_WINDOW = 3, 60

    answers = [api.get("/presets").status_code for _ in range(4)]
    limited = api.get("/presets")

    assert answers == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json() == {"detail": "Too many requests."}
    assert api.get("/presets", token=bob_token).status_code == 200  # per token, not global


# One operation of each router and kind: the throttle sits on the API object, for all.
EVERY_KIND = [
    ("get", "/presets", None),
    ("get", "/scenarios", None),
    ("post", "/scenarios/validate", {"document": scenario_doc()}),
    ("get", "/jobs", None),
    ("get", "/jobs/00000000-0000-0000-0000-000000000000/files", None),
    ("post", "/jobs", {"preset": "no-such"}),
    ("delete", "/scenarios/99999", None),
]


@pytest.mark.parametrize(("method", "path", "body"), EVERY_KIND)
def test_it_rate_limits_every_endpoint(
    api: Any, settings: Any, method: str, path: str, body: Any
) -> None:
    settings.MEDGEN_API_RATE_LIMIT = 1

    first = api.call(method, path, body)
    second = api.call(method, path, body)

    assert first.status_code != 429
    assert second.status_code == 429 and int(second["Retry-After"]) >= 1
