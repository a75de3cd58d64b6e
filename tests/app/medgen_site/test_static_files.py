"""Static files in production (DEBUG off, after collectstatic), through the ASGI app.

WhiteNoise serves them from STATIC_ROOT at the URLs `{% static %}` writes: hashed names
cached for ten years, compressed copies for browsers that accept them, and the security
headers every page gets.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.handlers.asgi import ASGIHandler
from django.core.management import call_command

from tests.app.asgi_requests import asgi_get

pytestmark = pytest.mark.asyncio

ROOT = Path(__file__).resolve().parents[3]
TEN_YEARS = "max-age=315360000, public, immutable"


@pytest.fixture
def production_static(settings: Any, tmp_path: Path) -> ASGIHandler:
    """collectstatic into a temporary STATIC_ROOT, and a handler built on it."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--noinput", verbosity=0)
    return ASGIHandler()  # WhiteNoise reads STATIC_ROOT when it is built


async def test_hashed_files_are_cached_for_ten_years(production_static: Any) -> None:
    url = staticfiles_storage.url("js/job_detail.js")

    response = await asgi_get(production_static, url, [])

    assert url.startswith("/static/js/job_detail.") and url != "/static/js/job_detail.js"
    assert response.status == 200
    assert response.headers["cache-control"] == TEN_YEARS
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body == (ROOT / "static/js/job_detail.js").read_bytes()


async def test_browsers_that_accept_gzip_get_the_compressed_copy(production_static: Any) -> None:
    url = staticfiles_storage.url("css/app.css")

    plain = await asgi_get(production_static, url, [])
    response = await asgi_get(production_static, url, [(b"accept-encoding", b"gzip")])

    assert "content-encoding" not in plain.headers
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == TEN_YEARS
    assert gzip.decompress(response.body) == plain.body


async def test_unhashed_names_are_cached_briefly(production_static: Any) -> None:
    response = await asgi_get(production_static, "/static/css/app.css", [])

    assert response.status == 200
    assert response.headers["cache-control"] == "max-age=60, public"


async def test_unknown_static_files_are_404(production_static: Any) -> None:
    response = await asgi_get(production_static, "/static/js/nothing-here.js", [])

    assert response.status == 404
