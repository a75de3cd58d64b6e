"""Fail-safe defaults: DEBUG off unless asked, a 503 page while Redis is down, a CSP
without inline script, HSTS preload only on request."""

from __future__ import annotations

import re
from typing import Any

import pytest
import redis.exceptions
from django.test import Client

from tests.app.medgen_site.test_settings import _manage

pytestmark = pytest.mark.django_db
ROOT_TEMPLATES = __import__("pathlib").Path(__file__).resolve().parents[3] / "templates"


def test_debug_is_off_when_nothing_is_set() -> None:
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")

    # Without DEBUG=1 the settings are production ones: no SECRET_KEY, no start.
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_1_opts_in_to_development() -> None:
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", DEBUG="1"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_make_run_opts_in_to_debug() -> None:
    script = (ROOT_TEMPLATES.parent / "scripts" / "run.sh").read_text()
    assert 'export DEBUG="${DEBUG:-1}"' in script


def test_hsts_preload_is_off_unless_asked() -> None:
    code = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    production = {"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "x.example"}

    assert _manage("shell", "-c", code, **production).stdout.strip().endswith("False")
    opted = _manage("shell", "-c", code, **production, SECURE_HSTS_PRELOAD="1")
    assert opted.stdout.strip().endswith("True")


def test_a_page_while_redis_is_down_is_a_clear_503(alice: Any, monkeypatch: Any) -> None:
    from jobs.scenarios import cached

    def down(*args: Any, **kwargs: Any) -> Any:
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(cached, "saved_catalog", down)
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    response = client.get("/jobs/new/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "briefly unavailable" in page and "Redis" in page
    assert "6379" not in page and "Traceback" not in page


def test_other_errors_stay_a_500(alice: Any, monkeypatch: Any) -> None:
    from jobs.scenarios import cached

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(cached, "saved_catalog", broken)
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    assert client.get("/jobs/new/").status_code == 500


def test_every_page_has_a_content_security_policy_without_inline_script(
    alice_client: Any, redis_db: Any
) -> None:
    for url in ("/jobs/", "/jobs/new/", "/scenarios/", "/accounts/login/"):
        policy = alice_client.get(url)["Content-Security-Policy"]
        script = re.search(r"script-src ([^;]*)", policy)
        assert script and "'unsafe-inline'" not in script.group(1), (url, policy)
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    for template in ROOT_TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, (template, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template
