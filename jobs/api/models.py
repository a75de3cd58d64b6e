"""Personal API tokens: random, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "mg_"  # makes a leaked token recognisable (secret scanners, logs)
TOKEN_BYTES = 32  # 256 bits of randomness; 43 URL-safe characters
SHOWN_PREFIX = 10  # characters kept in clear so owners can tell their tokens apart
LAST_USED_EVERY = timedelta(minutes=1)  # at most one write per token per minute


def digest(token: str) -> str:
    """The stored form of a token; a fast hash suffices for 256 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_user(self, user: Any) -> ApiTokenQuerySet:
        """The tokens `user` owns (staff manage others' in the admin)."""
        return self.filter(owner=user)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=SHOWN_PREFIX, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, owner: Any, name: str, scope: str, expires_at: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """A new token row and its secret, which exists only in this return value."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        token = cls.objects.create(
            owner=owner,
            name=name,
            scope=scope,
            prefix=secret[:SHOWN_PREFIX],
            digest=digest(secret),
            expires_at=expires_at,
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> ApiToken | None:
        """The usable token matching `secret` (with its owner loaded), else None."""
        wanted = digest(secret)
        rows = cls.objects.select_related("owner").filter(digest=wanted)
        token = rows.first()
        # The lookup matched the digest already; comparing again in constant time keeps
        # the answer's timing independent of the stored value whatever the index does.
        if token is None or not hmac.compare_digest(token.digest, wanted):
            return None
        if not token.is_usable() or not token.owner.is_active:
            return None
        return token

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    def revoke(self) -> bool:
        """Stop the token working at once; False if it was revoked already."""
        now = timezone.now()
        changed = ApiToken.objects.filter(pk=self.pk, revoked_at=None).update(revoked_at=now)
        if changed:
            self.revoked_at = now
        return bool(changed)

    def touch(self) -> None:
        """Record a use, writing the row at most once a minute so reads stay cheap."""
        now = timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_EVERY:
            return
        stale = models.Q(last_used_at=None) | models.Q(last_used_at__lt=now - LAST_USED_EVERY)
        ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
