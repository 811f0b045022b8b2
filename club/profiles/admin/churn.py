"""Churn risk in the admin: "Why is this member at risk" (linked from the member's detail) and
the churn-risk distribution report (Reports menu). Each view checks its permission, calls a
selector and renders."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from club.members.admin.inspect import MEMBER_ADMIN_LINKS_HOOK, MemberAdminLink
from club.members.admin.member_screen import MemberAdminScreen

from ..churn.bands import BAND_COLOURS, BAND_FLOORS, RiskBand, band_bounds
from ..churn.chart import bands_svg, segments_svg
from ..churn.selectors import active_churn_model, churn_distribution, churn_models_recent, member_churn_risk

MEMBER_PERMISSION = "profiles.view_memberprofile"
REPORT_PERMISSION = "profiles.view_churnmodel"


def band_legend() -> list[dict]:
    legend = []
    for band in RiskBand:
        low, high = band_bounds(band)
        legend.append({"band": band.value, "label": band.label, "colour": BAND_COLOURS[band],
                       "low": round(low * 100), "high": round(high * 100) if high is not None else 100})
    return legend


class MemberChurnView(MemberAdminScreen):
    template_name = "profiles/churn/member_risk.html"
    page_title = _("Why is this member at risk")
    header_icon = "warning"
    view_permission = MEMBER_PERMISSION

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk = member_churn_risk(member=self.member)
        context.update(risk=risk, model=active_churn_model(), colour=BAND_COLOURS.get(risk.band, "inherit"))
        return context


class ChurnReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "profiles/churn/report.html"
    page_title = _("Churn risk")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        distribution = churn_distribution()
        context.update(distribution=distribution, model=active_churn_model(), legend=band_legend(),
                       bands_svg=bands_svg(distribution), segments_svg=segments_svg(distribution),
                       band_count=len(BAND_FLOORS), models=churn_models_recent())
        return context


@hooks.register("register_admin_urls")
def register_churn_urls():
    return [
        path("profiles/churn/member/<int:member_id>/", MemberChurnView.as_view(), name="churn_member"),
        path("profiles/churn/", ChurnReportView.as_view(), name="churn_report"),
    ]


class _ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_churn_report():
    return _ReportMenuItem(_("Churn risk"), reverse("churn_report"), icon_name="warning", name="churn-risk",
                           order=720)


@hooks.register(MEMBER_ADMIN_LINKS_HOOK)
def member_churn_link(member, request):
    if not request.user.has_perm(MEMBER_PERMISSION):
        return []
    risk = member_churn_risk(member=member)
    if risk.score is None:
        summary = _("Churn risk: not scored")
    else:
        summary = _("Churn risk: %(percent)s%% (%(band)s)") % {"percent": risk.percent,
                                                                 "band": risk.band.label}
    return [MemberAdminLink(label=str(_("Why is this member at risk")),
                            url=reverse("churn_member", args=[member.pk]), summary=str(summary))]
