"""Probes for the platform and metrics for staff, at the site's root."""

from django.urls import path

from jobs.ops import health, metrics

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
