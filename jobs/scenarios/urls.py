from django.urls import path

from jobs.scenarios import views

urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("new/", views.scenario_new, name="scenario_new"),
    path("import/", views.scenario_import, name="scenario_import"),
    path("presets/<slug:name>/", views.preset_detail, name="preset_detail"),
    path("presets/<slug:name>/clone/", views.preset_clone, name="preset_clone"),
    path("<int:scenario_id>/", views.scenario_detail, name="scenario_detail"),
    path("<int:scenario_id>/edit/", views.scenario_edit, name="scenario_edit"),
    path("<int:scenario_id>/history/", views.scenario_history, name="scenario_history"),
    path("<int:scenario_id>/clone/", views.scenario_clone, name="scenario_clone"),
    path("<int:scenario_id>/delete/", views.scenario_delete, name="scenario_delete"),
    path("<int:scenario_id>/generate/", views.scenario_generate, name="scenario_generate"),
    path("<int:scenario_id>/export.json", views.scenario_export, name="scenario_export"),
]
