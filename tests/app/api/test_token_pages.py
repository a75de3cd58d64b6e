"""The API tokens page (create, list, revoke), the admin's token list, the reference page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jobs.api.main import api as ninja_api
from jobs.api.models import ApiToken

pytestmark = pytest.mark.django_db


def _secret(response: Any) -> str:
    found = re.search(
        r'id="token-secret"[^>]*value="(mg_[A-Za-z0-9_-]+)"', response.content.decode()
    )
    assert found, "the new token is shown"
    return found[1]


def test_it_creates_a_token_and_shows_it_once(alice_client: Any, alice: Any, api: Any) -> None:
    response = alice_client.post("/tokens/", {"name": "nightly", "scope": "write", "expires": "30"})

    secret = _secret(response)
    token = ApiToken.objects.get(name="nightly")
    assert response["Cache-Control"] == "no-store"
    assert (token.owner, token.scope, token.prefix) == (alice, "write", secret[:10])
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    assert api.get("/jobs", token=secret).status_code == 200
    again = alice_client.get("/tokens/").content.decode()
    assert "nightly" in again and secret not in again


def test_it_creates_a_read_only_token_that_never_expires(alice_client: Any) -> None:
    alice_client.post("/tokens/", {"name": "reader", "scope": "read", "expires": ""})

    token = ApiToken.objects.get()
    assert (token.scope, token.expires_at) == ("read", None)


def test_it_explains_a_missing_name(alice_client: Any) -> None:
    response = alice_client.post("/tokens/", {"name": " ", "scope": "read", "expires": "30"})

    assert "This field is required." in response.content.decode() or "Give the token a name" in (
        response.content.decode()
    )
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token(alice_client: Any, alice: Any, api: Any) -> None:
    token, secret = ApiToken.issue(alice, "old", ApiToken.Scope.READ)

    response = alice_client.post(f"/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/jobs", token=secret).status_code == 401
    assert "revoked" in alice_client.get("/tokens/").content.decode()


def test_it_404s_for_bob_on_alices_tokens(client: Any, alice: Any, bob: Any) -> None:
    token, _ = ApiToken.issue(alice, "alice's", ApiToken.Scope.READ)
    client.force_login(bob)

    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert "alice&#x27;s" not in client.get("/tokens/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_needs_a_login(client: Any) -> None:
    assert client.get("/tokens/")["Location"].startswith("/accounts/login/")
    assert client.get("/api/")["Location"].startswith("/accounts/login/")


def test_staff_list_and_revoke_tokens_in_the_admin(client: Any, staff: Any, alice: Any) -> None:
    token, secret = ApiToken.issue(alice, "script", ApiToken.Scope.WRITE)
    client.force_login(staff)

    listing = client.get("/admin/jobs/apitoken/").content.decode()
    client.post(
        "/admin/jobs/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert "script" in listing and secret not in listing and token.digest not in listing
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/admin/jobs/apitoken/add/").status_code == 403


def test_the_schema_is_public_openapi_3(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_reference_page_shows_every_operation_and_examples(alice_client: Any) -> None:
    page = alice_client.get("/api/").content.decode()

    schema = ninja_api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            assert f'id="{spec["operationId"]}"' in page, (method, path)
            assert f"<code>{path}</code>" in page
    assert "curl -s -X POST" in page and "import os, time, requests" in page
    assert 'id="model-JobIn"' in page


def test_docs_api_md_lists_every_operation() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text()
    schema = ninja_api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            row = f"`{method.upper()} {path.removeprefix('/api/v1')}`"
            assert row in text, f"docs/api.md misses {row}"


def test_the_reference_marks_only_writing_operations(alice_client: Any) -> None:
    page = alice_client.get("/api/").content.decode()

    def section(anchor: str) -> str:
        start = page.index(f'id="{anchor}"')
        return page[start : page.index("</section>", start)]

    assert "needs a read-and-write token" in section("create_job")
    assert "needs a read-and-write token" not in section("validate")
    assert "needs a read-and-write token" not in section("list_jobs")
