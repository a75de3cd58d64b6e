"""The Content-Security-Policy header (Django 5.2 has none built in).

One policy for every response, from settings.CONTENT_SECURITY_POLICY: MedGen's pages load
their scripts from static files only (no inline script, no `on...=` attributes), so
`script-src 'self'` holds. Addresses under CONTENT_SECURITY_POLICY_INLINE_SCRIPT_PREFIXES
(the RQ dashboard, a third-party app with inline scripts) get `'unsafe-inline'` added.
`connect-src 'self'` covers the job page's websocket: CSP Level 3 matches ws: and wss: to
the page's own http: and https: origin.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY
        self.relaxed = self.policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        self.prefixes = tuple(settings.CONTENT_SECURITY_POLICY_INLINE_SCRIPT_PREFIXES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and HEADER not in response:
            relaxed = self.prefixes and request.path.startswith(self.prefixes)
            response[HEADER] = self.relaxed if relaxed else self.policy
        return response
