"""The API keys page of the partner portal (included by ``partners/urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<str:key_id>/rotate/", views.api_key_rotate_view, name="api_key_rotate"),
    path("api-keys/<str:key_id>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
