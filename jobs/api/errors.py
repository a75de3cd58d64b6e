"""How the API answers errors the shared code raises: always JSON, never a 500."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

import generation
from jobs.api.schemas import ErrorOut, ProblemsOut
from jobs.runs.limits import LimitExceeded

# Declared on every operation, so clients and schemathesis know each answer's shape.
BODY = ("body", "payload")  # where Ninja locates a body field; our own checks say the same

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ProblemsOut, 429: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 400: ErrorOut, 403: ErrorOut}


def problem(loc: list[str | int], msg: str, kind: str = "value_error") -> dict[str, Any]:
    return {"type": kind, "loc": list(loc), "msg": msg}


def body_problem(field: str, msg: str) -> dict[str, Any]:
    """A problem with the body field `field`, located as Ninja locates its own."""
    return problem([*BODY, field], msg)


def invalid(*problems: dict[str, Any]) -> ValidationError:
    """A 422 in Ninja's own shape, for checks the schema cannot express."""
    return ValidationError(list(problems))


def scenario_problems(error: generation.ScenarioError, field: str = "document") -> ValidationError:
    """Each issue the engine found, located under the body field that held the document."""
    return invalid(
        *(
            problem(
                [*BODY, field, *([issue.path] if issue.path else [])], issue.message, "scenario"
            )
            for issue in error.issues
        )
    )


def install(api: NinjaAPI) -> None:
    @api.exception_handler(generation.ScenarioError)
    def scenario_error(request: HttpRequest, exc: generation.ScenarioError) -> HttpResponse:
        return api.on_exception(request, scenario_problems(exc))

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, {"detail": str(exc)}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="MedGen API"'  # RFC 6750
        return response

    @api.exception_handler(LimitExceeded)
    def limit_exceeded(request: HttpRequest, exc: LimitExceeded) -> HttpResponse:
        response = api.create_response(request, {"detail": exc.message}, status=429)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
