"""`make run` leaves a working login: ensure_admin creates one admin, once."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_it_creates_an_admin_with_a_printed_password() -> None:
    output = _run()

    password = output.split("password: ")[1].split()[0]
    user = authenticate(
        RequestFactory().post("/accounts/login/"), username="admin", password=password
    )
    assert user is not None and user.is_superuser


def test_it_does_not_create_a_second_admin(staff: Any) -> None:
    output = _run()

    assert "Log in as root" in output
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_it_takes_the_login_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("MEDGEN_ADMIN_USER", "trainer")
    monkeypatch.setenv("MEDGEN_ADMIN_PASSWORD", "a-chosen-password-123")

    _run()

    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"),
            username="trainer",
            password="a-chosen-password-123",
        )
        is not None
    )
