"""Failed logins lock out one account from one address (django-axes); staff unlock it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _login(username: str, password: str, address: str = "203.0.113.5") -> Any:
    client = Client(REMOTE_ADDR=address)
    return client.post("/accounts/login/", {"username": username, "password": password})


def _fail(times: int, username: str = "alice", address: str = "203.0.113.5") -> None:
    for attempt in range(1, times + 1):
        expected = 429 if attempt >= 5 else 200  # the fifth failure locks
        assert _login(username, "wrong-password", address).status_code == expected


def test_five_wrong_passwords_lock_the_account_at_that_address(alice: Any, bob: Any) -> None:
    _fail(5)

    locked = _login("alice", "alice-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page

    # Per account and address: the same account elsewhere, another account here, still log in.
    assert _login("alice", "alice-password", address="198.51.100.7").status_code == 302
    assert _login("bob", "bob-password").status_code == 302


def test_a_correct_password_before_the_limit_resets_the_count(alice: Any) -> None:
    _fail(4)
    assert _login("alice", "alice-password").status_code == 302
    _fail(4)
    assert _login("alice", "alice-password").status_code == 302


def test_staff_unlock_it_in_the_admin(alice: Any, staff: Any) -> None:
    from axes.models import AccessAttempt

    _fail(5)
    assert _login("alice", "alice-password").status_code == 429
    admin = Client()
    admin.force_login(staff)
    attempt = AccessAttempt.objects.get(username="alice")

    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    deleted = admin.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert deleted.status_code == 200

    assert _login("alice", "alice-password").status_code == 302
