"""The request type of MedGen's own pages, for the type checker."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: every page but the login and health checks
    has a signed-in user, never AnonymousUser."""

    user: User
