from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jobs.api import main as api
from jobs.exercises import urls as exercise_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="job_list", permanent=False)),
    path("jobs/", include("jobs.runs.urls")),
    path("jobs/", include("jobs.results.urls")),
    path("jobs/", include(exercise_urls.job_urlpatterns)),
    path("scenarios/", include("jobs.scenarios.urls")),
    path("api/v1/", api.urls()),
    path("", include("jobs.api.urls")),
    path("exercises/", include("jobs.exercises.urls")),
    path("board/", include(exercise_urls.board_urlpatterns)),
    path("", include("jobs.ops.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "medgen_site.errors.server_error"
