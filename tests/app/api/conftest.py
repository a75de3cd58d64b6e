"""The API tests' cast: alice's read-and-write and read-only tokens, and an `api` client.

`api.get("/jobs", token=...)` sends `Authorization: Bearer <token>` to /api/v1/...;
`token=None` sends no header. JSON bodies go as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from jobs.api.models import ApiToken

PREFIX = "/api/v1"


@dataclass
class ApiClient:
    client: Client
    token: str | None

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        token = kwargs.pop("token", self.token)
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(PREFIX + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("get", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("post", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("put", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("delete", path, **kwargs)


@pytest.fixture
def make_token() -> Any:
    """make_token(user, scope="write", **fields) -> the secret of a new token."""

    def make(user: Any, scope: str = ApiToken.Scope.WRITE, **fields: Any) -> str:
        token, secret = ApiToken.issue(user, f"{user.username}'s token", scope)
        if fields:
            ApiToken.objects.filter(pk=token.pk).update(**fields)
        return secret

    return make


@pytest.fixture
def alice_token(alice: Any, make_token: Any) -> str:
    return str(make_token(alice))


@pytest.fixture
def alice_read_token(alice: Any, make_token: Any) -> str:
    return str(make_token(alice, ApiToken.Scope.READ))


@pytest.fixture
def bob_token(bob: Any, make_token: Any) -> str:
    return str(make_token(bob))


@pytest.fixture
def api(client: Client, alice_token: str) -> ApiClient:
    """Alice's read-and-write token by default; pass token=... per call to change it."""
    return ApiClient(client, alice_token)


def locs(response: Any) -> list[list[Any]]:
    """The `loc` of each problem in a 422 answer."""
    assert response.status_code == 422, response.content
    return [problem["loc"] for problem in response.json()["detail"]]
