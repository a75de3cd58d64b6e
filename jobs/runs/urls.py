from django.urls import path

from jobs.runs import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.job_new, name="job_new"),
    path("<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("<uuid:job_id>/status/", views.job_status, name="job_status"),
    path("<uuid:job_id>/result/", views.job_result, name="job_result"),
    path("<uuid:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("<uuid:job_id>/again/", views.job_again, name="job_again"),
    path("<uuid:job_id>/save-scenario/", views.job_save_scenario, name="job_save_scenario"),
]
