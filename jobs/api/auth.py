"""Bearer tokens for the API: who is asking, whether they may write, how often they may ask.

A missing, unknown, revoked or expired token is 401; a read-only token on an endpoint
that changes something is 403; more than MEDGEN_API_RATE_LIMIT requests per token in
MEDGEN_API_RATE_WINDOW seconds is 429 with Retry-After (Ninja adds the header from
`wait`). The token's owner becomes `request.user`, so the pages' ownership helpers
decide what the token sees.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from jobs.api.models import ApiToken

RATE_KEY = "api-rate:{token}:{window}"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mg_...`, either scope."""

    write = False

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.authenticate(token)
        if found is None:
            return None
        if self.write and not found.can_write:
            raise AuthorizationError(message="This token is read-only; this request changes data.")
        found.touch()
        request.user = found.owner
        return found


class WriteTokenAuth(TokenAuth):
    """A read-and-write token; the schema names this scheme on every operation that writes."""

    write = True


read = TokenAuth()
write = WriteTokenAuth()


class TokenRateThrottle(BaseThrottle):
    """A fixed window per token, counted in Redis so every web process shares it."""

    def __init__(self) -> None:
        self._local = threading.local()  # one throttle serves every request thread

    def allow_request(self, request: HttpRequest) -> bool:
        limit, window = settings.MEDGEN_API_RATE_LIMIT, settings.MEDGEN_API_RATE_WINDOW
        token = getattr(request, "auth", None)
        if limit <= 0 or not isinstance(token, ApiToken):
            return True
        now = time.time()
        number = int(now // window)
        key = RATE_KEY.format(token=token.pk, window=number)
        if _count(key, window + 1) <= limit:
            return True
        self._local.retry_after = (number + 1) * window - now
        return False

    def wait(self) -> float | None:
        return max(getattr(self._local, "retry_after", 1.0), 1.0)


def _count(key: str, timeout: int) -> int:
    """Add one to the window's counter (made on first use, gone soon after the window)."""
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
