"""club.care's admin: the "Personal contact" menu, the member's care screen and its link from
the member's detail."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from club.members.admin.inspect import MEMBER_ADMIN_LINKS_HOOK, MemberAdminLink

from .admin_feedback import MATRIX_PERMISSION, ComplaintScreen, SatisfactionMatrixView
from .admin_views import VIEW_PERMISSION, MemberCareView
from .selectors import member_account_manager
from .viewsets import CareMenu


@hooks.register("register_admin_viewset")
def register_care_menu():
    return CareMenu()


@hooks.register("register_admin_urls")
def register_care_urls():
    return [path("care/member/<int:member_id>/", MemberCareView.as_view(), name="care_member")]


@hooks.register("register_admin_urls")
def register_feedback_urls():
    return [
        path("care/complaint/<int:complaint_id>/", ComplaintScreen.as_view(), name="care_complaint"),
        path("care/satisfaction/", SatisfactionMatrixView.as_view(), name="care_satisfaction_matrix"),
    ]


class _PermittedMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MATRIX_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_satisfaction_report():
    return _PermittedMenuItem(_("Importance and satisfaction"), reverse("care_satisfaction_matrix"),
                              icon_name="table", name="care-satisfaction-matrix", order=700)


@hooks.register(MEMBER_ADMIN_LINKS_HOOK)
def member_care_link(member, request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return []
    card = member_account_manager(member_id=member.pk)
    summary = (_("Account manager: %(name)s") % {"name": card.name}) if card else _("No account manager")
    return [MemberAdminLink(label=str(_("Account manager and contact log")),
                            url=reverse("care_member", args=[member.pk]), summary=str(summary))]
