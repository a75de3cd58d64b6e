"""`manage.py ensure_admin`: make sure someone can log in on a fresh install.

Creates a superuser with a random password (printed once) when none exists;
MEDGEN_ADMIN_USER / MEDGEN_ADMIN_PASSWORD choose them instead.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create an admin login (printed once) if no superuser exists yet."

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        existing = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if existing is not None:
            self.stdout.write(
                f"Log in as {existing.get_username()} (or any user you created). "
                f"Forgot the password? python manage.py changepassword {existing.get_username()}"
            )
            return
        username = os.environ.get("MEDGEN_ADMIN_USER", "admin")
        password = os.environ.get("MEDGEN_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        users.create_superuser(username, "", password)
        self.stdout.write(
            self.style.SUCCESS(f"Created the admin login  user: {username}  password: {password}")
        )
        self.stdout.write("It is shown only this once; change it with the admin or changepassword.")
