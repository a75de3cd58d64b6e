"""MedGen settings: everything comes from the environment.

DEBUG is off unless DEBUG=1 is set (`make run` sets it), so a forgotten variable fails
safe: without DEBUG a SECRET_KEY is required. See docs/operations.md for every variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable; a value that is neither (DEBUG=flase) stops the process."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in TRUE_WORDS + FALSE_WORDS:
        words = ", ".join(TRUE_WORDS + FALSE_WORDS)
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r}: use one of {words}")
    return value in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# medgen_site/test_settings.py (chosen by the pytest configuration) turns this on.
TESTING = False
IS_WORKER = sys.argv[1:2] == ["rqworker"]  # `manage.py rqworker`: see the database pool

# Off unless asked for: an operator who forgets DEBUG=0 must not serve tracebacks with a
# public key (the test settings ask for development settings).
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (DEBUG=1 for development: make run sets it)"
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_rq",
    "axes",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "medgen_site.hostile_requests.RefuseNulMiddleware",
    "medgen_site.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medgen_site.urls"
WSGI_APPLICATION = "medgen_site.wsgi.application"
ASGI_APPLICATION = "medgen_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Tag libraries kept in their sub-package (Django looks only in
            # <app>/templatetags/): `{% load results %}` draws a job's dashboard.
            "libraries": {"results": "jobs.results.template_tags"},
        },
    },
]


DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 8)
# What the monitoring alerts against (docs/operations.md: connections near the budget).
DB_CONNECTION_BUDGET = env_int("DB_CONNECTION_BUDGET", 20)


# Database: SQLite file when DATABASE_URL is unset; PostgreSQL through psycopg 3 and
# Django's built-in pool otherwise. Each process (daphne, each worker) has its own pool,
# so the connection budget is DB_POOL_MAX_SIZE x processes.
def database_config() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if os.environ.get("TEST_DATABASE_NAME"):  # lets two test runs share one server
        config["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not as well
        pool = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 1),
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
        if IS_WORKER:
            # A worker writes from one thread (plus a watch pass now and then, see
            # jobs.ops.watch): at most two connections, none kept once idle for 30 s.
            pool |= {"min_size": 0, "max_size": 2, "max_idle": 30}
        config["OPTIONS"] = {"pool": pool}
        # Behind PgBouncer in transaction mode (docs/operations.md).
        config["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Redis: queue, cache and channel layer, all on one database (the tests pick another).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_settings(url: str) -> dict[str, Any]:
    """CACHES, CHANNEL_LAYERS and RQ_QUEUES on the Redis database at `url`."""
    cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "medgen",
        "OPTIONS": {
            # A Redis that stops answering fails requests (and /readyz) fast, not after minutes.
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            # One pool per process, not one per request (see medgen_site/redis_pool.py).
            "pool_class": "medgen_site.redis_pool.SharedConnectionPool",
        },
    }
    # channels_redis waits for a message with a 5 s blocking pop; a socket timeout of 5 s
    # (redis-py's async default) raced it and closed idle sockets with code 1011. The
    # read may take the pop's 5 s plus slack; connecting stays quick.
    host = {"address": url, "socket_timeout": 30, "socket_connect_timeout": 5,
            "socket_keepalive": True, "retry_on_timeout": True}  # fmt: skip
    channels = {"BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [host], "prefix": "medgen:channels"}}  # fmt: skip
    queue = {"URL": url, "DEFAULT_TIMEOUT": env_int("JOB_TIMEOUT", 6 * 3600)}
    return {
        "CACHES": {"default": cache},
        "CHANNEL_LAYERS": {"default": channels},
        "RQ_QUEUES": {"default": queue},
    }


_redis = redis_settings(REDIS_URL)
CACHES, CHANNEL_LAYERS, RQ_QUEUES = _redis["CACHES"], _redis["CHANNEL_LAYERS"], _redis["RQ_QUEUES"]
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
RQ = {
    "COMMIT_MODE": "on_db_commit",
    # Jobs run in the worker process itself (no fork per job): a forked child must not
    # share the parent's database pool, and the engine streams so memory stays flat.
    "WORKER_CLASS": "jobs.ops.worker.JobWorker",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins are counted per account and address (django-axes, in the database):
# AXES_FAILURE_LIMIT failures lock that pair out for AXES_COOLOFF_MINUTES; staff unlock in
# the admin ("Access attempts": delete the row) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "job_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development (and the tests) serve static files straight from static/ (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never served: downloads go through the owned views

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload lists are hard to leave again: only an operator who means it opts in.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# security.W021 asks for HSTS preload, which is an opt-in here (SECURE_HSTS_PRELOAD=1).
SILENCED_SYSTEM_CHECKS = env_list(
    "SILENCED_SYSTEM_CHECKS", "" if env_bool("SECURE_HSTS_PRELOAD", False) else "security.W021"
)
# Content-Security-Policy of every page (medgen_site.security_headers): scripts and styles
# only from this site's files, no inline script. The RQ dashboard (staff only, a
# third-party app) has inline scripts and gets them allowed on its own pages.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY_INLINE_SCRIPT_PREFIXES = ("/admin/rq/",)

# MedGen's own knobs.
# Per-user limits (jobs.runs.limits; staff are exempt). About 5 KB of files per patient
# with all formats: 500,000 patients are some 2.5 GB.
MEDGEN_USER_MAX_ACTIVE_JOBS = env_int("MEDGEN_USER_MAX_ACTIVE_JOBS", 3)
MEDGEN_USER_MAX_PATIENTS_PER_JOB = env_int("MEDGEN_USER_MAX_PATIENTS_PER_JOB", 500_000)
MEDGEN_USER_MAX_PATIENTS_PER_DAY = env_int("MEDGEN_USER_MAX_PATIENTS_PER_DAY", 2_000_000)
# A job starts only with this much free space under MEDIA_ROOT plus its estimated size,
# and fails cleanly when a write would leave less than the reserve (jobs.runs.space).
MEDGEN_MIN_FREE_BYTES = env_int("MEDGEN_MIN_FREE_BYTES", 1024**3)
# Patients per engine chunk: the engine's own default (generation.runner.CHUNK_SIZE says
# why; a test holds the two together).
MEDGEN_CHUNK_SIZE = env_int("MEDGEN_CHUNK_SIZE", 250)
# Request bodies over this are refused (413) before they are read (medgen_site.body_limit):
# a scenario file is at most 1 MB, a form post a few KB. 0 turns the check off.
MEDGEN_MAX_REQUEST_BYTES = env_int("MEDGEN_MAX_REQUEST_BYTES", 3 * 1024 * 1024)
# Processes the engine renders chunks in, per job (1 = inside the worker process). Two by
# default: one RQ worker then keeps both cores of a small machine busy; with several
# workers per machine, set it to cores / workers.
MEDGEN_ENGINE_WORKERS = env_int("MEDGEN_ENGINE_WORKERS", min(2, os.cpu_count() or 1))
MEDGEN_PROGRESS_INTERVAL = float(os.environ.get("MEDGEN_PROGRESS_INTERVAL", "0.25"))
JOB_RETENTION_DAYS = env_int("JOB_RETENTION_DAYS", 30)  # 0 keeps jobs forever
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 120)  # no heartbeat for this long = dead
# A queued job missing from Redis is re-queued only once it is this old (see maintenance).
JOB_REQUEUE_GRACE_SECONDS = env_int("JOB_REQUEUE_GRACE_SECONDS", 30)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 2)  # a job whose worker died is re-run once
JOB_MAINTENANCE_INTERVAL = env_int("JOB_MAINTENANCE_INTERVAL", 600)  # seconds, in workers
# Each worker's own heartbeat (jobs.ops.watch): a key refreshed every JOB_HEARTBEAT_SECONDS
# that expires JOB_WORKER_TTL seconds after the last beat; one worker checks for dead
# workers and lost queue entries every JOB_WATCH_INTERVAL seconds. A SIGKILLed worker's
# job runs again within TTL + 2 intervals (40 s by default).
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 5)
JOB_WORKER_TTL = env_int("JOB_WORKER_TTL", 20)
JOB_WATCH_INTERVAL = env_int("JOB_WATCH_INTERVAL", 10)
# Workers and their engine processes run at this lower CPU priority (os.nice increment),
# so pages stay fast while jobs keep the cores busy; 0 turns it off.
MEDGEN_WORKER_NICE = env_int("MEDGEN_WORKER_NICE", 19)
# Bearer token for /metrics (Prometheus); empty: staff sessions only.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Requests one API token may make per MEDGEN_API_RATE_WINDOW seconds (0: unlimited).
MEDGEN_API_RATE_LIMIT = env_int("MEDGEN_API_RATE_LIMIT", 120)
MEDGEN_API_RATE_WINDOW = env_int("MEDGEN_API_RATE_WINDOW", 60)
NINJA_PAGINATION_PER_PAGE = 50  # jobs per page of GET /api/v1/jobs unless ?limit= says
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"jobs": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")}},
}
