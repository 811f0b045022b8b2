"""The co-promotion pages of the partner portal (included by ``partners/urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("co-promotions/", views.copromotion_list, name="copromotions"),
    path("co-promotions/new/", views.copromotion_new, name="copromotion_new"),
    path("co-promotions/<int:copromotion_id>/", views.copromotion_detail, name="copromotion_detail"),
    path("co-promotions/<int:copromotion_id>/edit/", views.copromotion_edit, name="copromotion_edit"),
    path(
        "co-promotions/<int:copromotion_id>/submit/", views.copromotion_submit_view, name="copromotion_submit"
    ),
    path("co-promotions/<int:copromotion_id>/codes/", views.copromotion_codes, name="copromotion_codes"),
]
