from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jobs.api import main as api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="job_list", permanent=False)),
    path("jobs/", include("jobs.runs.urls")),
    path("jobs/", include("jobs.results.urls")),
    path("scenarios/", include("jobs.scenarios.urls")),
    path("api/v1/", api.urls()),
    path("", include("jobs.api.urls")),
    path("", include("jobs.ops.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
]
