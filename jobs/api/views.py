"""Pages: the API tokens page (create, list, revoke) and the API reference."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jobs.api import reference as schema_reference
from jobs.api.forms import TokenForm
from jobs.api.main import api
from jobs.api.models import ApiToken


def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens; a POST creates one and shows its secret on this response only."""
    form = TokenForm(request.POST or None)
    secret, created = None, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created, secret = ApiToken.issue(
            request.user, data["name"], data["scope"], form.expires_at()
        )
        form = TokenForm()
    context = {
        "form": form,
        "tokens": ApiToken.objects.for_user(request.user),
        "created": created,
        "secret": secret,
        "api_url": request.build_absolute_uri("/api/v1/"),
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the secret must not linger in a cache
    return response


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=token_id)
    if token.revoke():
        messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("api_tokens")


def reference(request: HttpRequest) -> HttpResponse:
    """The API reference, drawn from the same OpenAPI schema /api/v1/openapi.json serves."""
    schema = api.get_openapi_schema()
    context = {
        "info": schema["info"],
        "intro": schema_reference.paragraphs(schema["info"]["description"]),
        "groups": schema_reference.operations(schema),
        "models": schema_reference.models(schema),
        "api_url": request.build_absolute_uri("/api/v1/"),
        "schema_url": reverse("api:openapi-json"),
    }
    return render(request, "api/reference.html", context)
