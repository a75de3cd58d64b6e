"""Requests no page can serve, answered before any view: a NUL character in the address.

PostgreSQL text cannot hold NUL, so a view that looks a path segment or a query value up
in the database (`/jobs/<id>/files/%00`) would fail with a server error. No MedGen
address or parameter contains one, so the request is refused as a bad request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.lists()
        if "\x00" in request.path or any("\x00" in k + "".join(v) for k, v in query):
            return HttpResponseBadRequest(
                "This address contains a NUL character (%00), which no MedGen page accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
