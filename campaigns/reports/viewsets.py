from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import views


class _PermittedMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.VIEW_PERMISSION)


class CampaignReportsViewSet(ViewSet):
    name = "campaign_reports"
    icon = "table"
    menu_label = _("Results")
    add_to_admin_menu = False
    menu_item_class = _PermittedMenuItem

    def get_urlpatterns(self):
        return [
            path("", views.CampaignResultsView.as_view(), name="index"),
            path("results/", views.CampaignResultsView.as_view(results_only=True), name="index_results"),
            path("<int:pk>/", views.CampaignReportView.as_view(), name="detail"),
        ]
