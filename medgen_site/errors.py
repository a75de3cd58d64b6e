"""Server errors: a clear 503 while Redis is unreachable, Django's 500 page otherwise.

Every logged-in page reads the session through the cache (Redis), so while Redis is down
or restarting every page would fail. Django hands an uncaught exception from a view or a
middleware to `handler500` inside the `except` block, so the cause is still at hand.
"""

from __future__ import annotations

import sys

import redis.exceptions
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    if _caused_by(sys.exc_info()[1], REDIS_DOWN):
        # A template without the site's header: that one needs the session.
        page = loader.get_template("503.html").render({"retry": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


def _caused_by(error: BaseException | None, kinds: tuple[type[BaseException], ...]) -> bool:
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, kinds):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False
