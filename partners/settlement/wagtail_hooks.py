"""Settlement in the Wagtail admin: statements and co-branded revenue, under the "Partners" menu
(the group registered in ``partners/copromotions/wagtail_hooks.py``), and the action screens
(prepare, approve, issue, download, enter revenue). Statements and revenue change only through
the services (``ViewOnlyPolicy``: no add, edit or delete screens)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from rewards.admin_policies import ReadOnlyViewSet, ViewOnlyPolicy

from . import admin_views, selectors
from .models import CoPromotionRevenue, Statement
from .services.revenue import REVENUE_PERMISSION
from .services.statements import APPROVE_PERMISSION

register_permission_policy(Statement, ViewOnlyPolicy(Statement), exact_class=True)
register_permission_policy(CoPromotionRevenue, ViewOnlyPolicy(CoPromotionRevenue), exact_class=True)


class StatementIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(APPROVE_PERMISSION):
            buttons.append(HeaderButton(_("Prepare a statement"), url=reverse("settlement_statement_prepare"),
                                        icon_name="plus"))
        return buttons


class StatementInspectView(InspectView):
    template_name = "settlement/admin/statement_inspect.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lines=list(selectors.statement_lines(statement=self.object)),
            can_approve=self.request.user.has_perm(APPROVE_PERMISSION),
            **kwargs,
        )


class StatementViewSet(ReadOnlyViewSet):
    model = Statement
    icon = "doc-full"
    name = "settlement_statements"
    menu_label = _("Statements")
    url_prefix = "settlement/statements"
    index_view_class = StatementIndexView
    inspect_view_class = StatementInspectView
    inspect_view_fields = [
        "partner", "period", "state", "number", "currency", "redemptions", "points_credited", "reversals",
        "funding_total", "revenue_share_total", "adjustments_total", "net_total", "prepared_at",
        "approved_at", "approved_by", "issued_at", "issued_by",
    ]
    list_display = [
        "partner",
        Column("period", label=_("Month"), accessor=lambda obj: f"{obj.period:%Y-%m}"),
        Column("state", label=_("State"), accessor="get_state_display"),
        "number",
        "redemptions",
        "net_total",
        DateColumn("issued_at", label=_("Issued")),
    ]
    list_filter = {"state": ["exact"], "partner": ["exact"], "period": ["gte", "lte"]}
    ordering = ["-period", "partner__name"]


class RevenueIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(REVENUE_PERMISSION):
            buttons.append(HeaderButton(_("Enter revenue"), url=reverse("settlement_revenue_enter"),
                                        icon_name="plus"))
        return buttons


class RevenueViewSet(ReadOnlyViewSet):
    model = CoPromotionRevenue
    icon = "table"
    name = "settlement_revenue"
    menu_label = _("Co-branded revenue")
    url_prefix = "settlement/revenue"
    index_view_class = RevenueIndexView
    list_display = [
        "copromotion",
        Column("period", label=_("Month"), accessor=lambda obj: f"{obj.period:%Y-%m}"),
        "revenue",
        "note",
        "entered_by",
        DateColumn("entered_at", label=_("Entered")),
    ]
    list_filter = {"period": ["gte", "lte"]}
    ordering = ["-period", "copromotion_id"]


@hooks.register("register_admin_urls")
def register_settlement_urls():
    return [
        path("settlement/actions/prepare/", admin_views.StatementPrepareView.as_view(),
             name="settlement_statement_prepare"),
        path("settlement/actions/<int:pk>/approve/", admin_views.StatementApproveView.as_view(),
             name="settlement_statement_approve"),
        path("settlement/actions/<int:pk>/issue/", admin_views.StatementIssueView.as_view(),
             name="settlement_statement_issue"),
        path("settlement/actions/<int:pk>/download/<str:fmt>/", admin_views.StatementDownloadView.as_view(),
             name="settlement_statement_download"),
        path("settlement/actions/revenue/", admin_views.RevenueEnterView.as_view(),
             name="settlement_revenue_enter"),
    ]
