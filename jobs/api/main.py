"""The API object: routers, authentication, throttling, error answers, URL patterns."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.operation import Operation

from jobs.api import auth, errors, files, jobs, presets, scenarios

DESCRIPTION = """\
Generate synthetic exercise casualties from scripts and other systems.

Every request carries a personal token from the **API tokens** page:
`Authorization: Bearer mg_...`. A token acts as its owner and sees exactly what the
owner sees; another user's object is a 404. A missing, revoked or expired token is
401; a read-only token gets 403 on requests that change something. Too many requests
per token, or too many of your jobs queued or running at once, is 429 with
`Retry-After` (seconds). Invalid input is 422 with every problem located in `loc`.
"""


class MedGenAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__  # short ids for generated clients


api = MedGenAPI(
    title="MedGen API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # the reference page is ours (/api/), served without any CDN
    auth=auth.read,
    throttle=[auth.TokenRateThrottle()],
)
api.add_router("/presets", presets.router)
api.add_router("/scenarios", scenarios.router)
api.add_router("/jobs", jobs.router)
api.add_router("/jobs", files.router)
errors.install(api)


def urls() -> tuple[list[Any], str, str]:
    """`api.urls` with the site's login redirect lifted: the API answers 401 itself."""
    patterns, app_name, namespace = api.urls
    return _public(patterns), app_name, namespace


def _public(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns
