"""Settings for the test run: pytest's configuration (pyproject.toml) names this module.

The development settings, with the tests' own Redis database (TEST_REDIS_URL, else
database 15 of the development server), which the tests flush, and static files served
from static/ whatever DEBUG says. Processes the tests start (workers, daphne) run the
ordinary settings with the test database and Redis passed in their environment.
"""

from __future__ import annotations

import os

from medgen_site.settings import *  # noqa: F403
from medgen_site.settings import REDIS_URL as DEVELOPMENT_REDIS_URL
from medgen_site.settings import STORAGES, redis_settings

TESTING = True

REDIS_URL = os.environ.get("TEST_REDIS_URL", DEVELOPMENT_REDIS_URL.rsplit("/", 1)[0] + "/15")
_redis = redis_settings(REDIS_URL)
CACHES, CHANNEL_LAYERS, RQ_QUEUES = _redis["CACHES"], _redis["CHANNEL_LAYERS"], _redis["RQ_QUEUES"]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
