from django.urls import path

from jobs.api import views

urlpatterns = [
    path("api/", views.reference, name="api_reference"),
    path("tokens/", views.token_list, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
