"""The "Sends" screen of the Campaigns group (registered in ``campaigns/wagtail_hooks.py``):
runs with their progress, a run's page with a live progress bar and pause / resume / cancel,
and the reach simulation of a campaign (``sends:reach``, linked from the campaign)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from rewards.admin_policies import ViewOnlyPolicy

from . import admin_views
from .models import Run

register_permission_policy(Run, ViewOnlyPolicy(Run), exact_class=True)


def _progress(run) -> str:
    if run.status == "done":
        return "100%"
    if not run.chunks_total:
        return "—"
    return f"{100 * run.chunks_done // run.chunks_total}%"


class RunIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("campaign").annotate(
            chunks_total=Count("chunks"),
            chunks_done=Count("chunks", filter=Q(chunks__done_at__isnull=False)),
        )


class RunInspectView(InspectView):
    template_name = "sends/admin/run_inspect.html"
    fields = ["campaign", "occurrence", "status", "created_at", "paused_at", "finished_at"]
    url_namespace = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin_views.run_progress_context(self.object))
        context["can_control"] = self.request.user.has_perm(admin_views.CONTROL_PERMISSION)
        context["control_url_name"] = f"{self.url_namespace}:control"
        context["progress_url"] = reverse(f"{self.url_namespace}:progress", args=[self.object.pk])
        return context


class SendRunViewSet(ModelViewSet):
    model = Run
    name = "sends"
    icon = "resubmit"
    menu_label = _("Sends")
    url_prefix = "campaigns/sends"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []  # no add or edit screen is reachable (ViewOnlyPolicy)
    list_per_page = 50
    index_view_class = RunIndexView
    inspect_view_class = RunInspectView
    list_display = [
        Column("campaign", label=_("Campaign"), accessor="campaign"),
        "occurrence",
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("progress", label=_("Progress"), accessor=_progress),
        "delivered",
        DateColumn("created_at", label=_("Started")),
        DateColumn("finished_at", label=_("Finished")),
    ]
    list_filter = ["status", "campaign"]
    search_fields = ["campaign__name", "occurrence"]
    ordering = ["-created_at", "-id"]

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(url_namespace=self.url_namespace, **kwargs)

    def get_urlpatterns(self):
        namespace = self.url_namespace
        return [
            *super().get_urlpatterns(),
            path("progress/<int:pk>/", admin_views.RunProgressView.as_view(), name="progress"),
            path(
                "control/<int:pk>/<str:action>/",
                admin_views.RunControlView.as_view(inspect_url_name=f"{namespace}:inspect"),
                name="control",
            ),
            path(
                "reach/<int:campaign_id>/",
                admin_views.ReachView.as_view(status_url_name=f"{namespace}:reach_status"),
                name="reach",
            ),
            path(
                "reach/result/<int:pk>/",
                admin_views.ReachStatusView.as_view(status_url_name=f"{namespace}:reach_status"),
                name="reach_status",
            ),
        ]
