from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jobs import health, metrics
from jobs.exercises.urls import board_urlpatterns

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="job_list", permanent=False)),
    path("jobs/", include("jobs.urls")),
    path("scenarios/", include("jobs.scenario_urls")),
    path("exercises/", include("jobs.exercises.urls")),
    path("board/", include(board_urlpatterns)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
]
