"""Reports > Segment distribution: members per segment (and how many by hand), the unclassified
and why, and segment by tier or payment plan; ``?export=csv`` downloads the same figures."""

from __future__ import annotations

import csv
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..segments.report import BREAKDOWNS, BY_PAYMENT_PLAN, BY_TIER, SegmentDistribution, segment_distribution

REPORT_PERMISSION = "profiles.view_segmentoverride"
BY_FIGURE = {BY_TIER: gettext_lazy("By tier"), BY_PAYMENT_PLAN: gettext_lazy("By payment plan")}


class SegmentDistributionView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "profiles/segments/distribution.html"
    page_title = gettext_lazy("Segment distribution")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        breakdown = request.GET.get("by", BY_TIER)
        self.breakdown = breakdown if breakdown in BREAKDOWNS else BY_TIER
        self.distribution = segment_distribution(breakdown=self.breakdown)
        if request.GET.get("export") == "csv":
            return distribution_csv(self.distribution)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(distribution=self.distribution, breakdown=self.breakdown,
                       breakdowns=[(key, str(label)) for key, label in BREAKDOWNS.items()])
        return context


def distribution_csv(distribution: SegmentDistribution) -> HttpResponse:
    """One long table: what the figure is, the segment, the group, the members."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"segment-distribution-{dt.date.today():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([_("Figure"), _("Segment"), _("Group"), _("Members")])
    for line in distribution.lines:
        writer.writerow([_("Members per segment"), line.label, "", line.members])
        writer.writerow([_("Set by hand"), line.label, "", line.overridden])
    for reason, count in distribution.unclassified_rows:
        writer.writerow([_("Unclassified"), "", reason, count])
    figure = str(BY_FIGURE[distribution.breakdown])
    for label, counts in distribution.cross:
        for column, count in zip(distribution.columns, counts, strict=True):
            writer.writerow([figure, label, column, count])
    return response


def report_urls():
    return [path("profiles/segment-distribution/", SegmentDistributionView.as_view(),
                 name="segment_distribution")]
