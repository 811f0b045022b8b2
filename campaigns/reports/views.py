"""Admin screens of campaign reports (registered by ``CampaignReportsViewSet``): a results
listing of every campaign with CSV/XLSX export, and one campaign's report with charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from campaigns.contact.models import SuppressionReason
from campaigns.models import Campaign
from club.members.models.choices import Channel

from .selectors import campaign_daily_deliveries, campaign_results, campaign_uplift, campaigns_with_results

VIEW_PERMISSION = "campaigns.view_campaign"
UPLIFT_DAYS = (7, 30, 90)


class _ReportPermission:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


CENT = Decimal("0.01")


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


class CampaignResultsView(_ReportPermission, ReportView):
    page_title = _("Campaign results")
    header_icon = "table"
    index_url_name = "campaign_reports:index"
    index_results_url_name = "campaign_reports:index_results"
    paginate_by = 50
    list_export = ["name", "get_objective_display", "audience", "live", "delivered_count", "viewed_count",
                   "failed_count", "suppressed_count", "held_out_count", "accepted_count", "cost_total"]
    export_headings = {
        "get_objective_display": _("Objective"), "delivered_count": _("Delivered"),
        "viewed_count": _("Viewed"), "failed_count": _("Failed"),
        "suppressed_count": _("Suppressed"), "held_out_count": _("Held out"),
        "accepted_count": _("Offers taken"), "cost_total": _("Cost"),
    }
    # Money to the cent in every export and on every database: SQLite's SUM gives 260 for 260.00.
    custom_field_preprocess = {"cost_total": {"csv": _cents, "xlsx": _cents}}
    columns = [
        TitleColumn("name", label=_("Campaign"), url_name="campaign_reports:detail"),
        Column("objective", label=_("Objective"), accessor="get_objective_display"),
        Column("delivered_count", label=_("Delivered")),
        Column("viewed_count", label=_("Viewed")),
        Column("suppressed_count", label=_("Suppressed")),
        Column("held_out_count", label=_("Held out")),
        Column("accepted_count", label=_("Offers taken")),
        Column("cost_total", label=_("Cost")),
    ]

    def get_queryset(self):
        return campaigns_with_results().order_by("-updated_at")

    def get_filename(self):
        return f"campaign-results-{dt.date.today():%Y-%m-%d}"


class CampaignReportView(_ReportPermission, WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaign_reports/campaign_report.html"
    header_icon = "table"

    def get_page_title(self):
        return _("Report: %(campaign)s") % {"campaign": self.campaign.name}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("campaign_reports:index"), "label": _("Campaign results")},
                {"url": "", "label": self.campaign.name}]

    def get(self, request, pk):
        self.campaign = get_object_or_404(Campaign, pk=pk)
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = self.request.GET.get("days", "30")
        days = int(days) if days.isdigit() and int(days) in UPLIFT_DAYS else 30
        results = campaign_results(campaign=self.campaign)
        daily = campaign_daily_deliveries(campaign=self.campaign)
        reasons = dict(SuppressionReason.choices)
        context.update(
            campaign=self.campaign, results=results,
            uplift=campaign_uplift(campaign=self.campaign, days=days),
            days=days, day_choices=UPLIFT_DAYS,
            suppressed=[(reasons.get(reason, reason), count) for reason, count in results.suppressed.items()],
            delivered=[(dict(Channel.choices).get(channel, channel), count)
                       for channel, count in results.delivered.items()],
            chart_data={
                "days": sorted({day.isoformat() for day, _channel, _n in daily}),
                "daily": [[day.isoformat(), channel, n] for day, channel, n in daily],
                "reasons": [[str(reasons.get(r, r)), n] for r, n in results.suppressed.items()],
                "funnel": [[str(_("Targeted")), results.targeted],
                           [str(_("Delivered")), results.delivered_total],
                           [str(_("Viewed")), results.viewed],
                           [str(_("Offers taken")), results.accepted]],
            },
        )
        return context
