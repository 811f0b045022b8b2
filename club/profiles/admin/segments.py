"""Segments in the admin: the rule editor (Members > Segment rules) with its live count, the
member's segment screen (linked from the member's detail) and Reports > Segment distribution."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from club.members.admin.inspect import MEMBER_ADMIN_LINKS_HOOK, MemberAdminLink
from club.members.models import Segment
from club.members.wagtail_hooks.member_admin import MEMBERS_MENU_HOOK

from .segment_member import VIEW_PERMISSION, MemberSegmentView
from .segment_report import REPORT_PERMISSION, report_urls
from .segment_rules import EDIT_PERMISSION, SegmentRulesViewSet, live_count_urls


class _PermittedMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_viewset")
def register_segment_rules():
    return SegmentRulesViewSet()


@hooks.register("register_admin_urls")
def register_segment_urls():
    return [
        *live_count_urls(),
        *report_urls(),
        path("profiles/member/<int:member_id>/segment/", MemberSegmentView.as_view(), name="member_segment"),
    ]


@hooks.register(MEMBERS_MENU_HOOK)
def register_segment_rules_menu_item():
    return _PermittedMenuItem(_("Segment rules"), reverse("segment_rules:list"), icon_name="list-ol",
                              name="segment-rules", order=400, permission=EDIT_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_segment_report():
    return _PermittedMenuItem(_("Segment distribution"), reverse("segment_distribution"), icon_name="table",
                              name="segment-distribution", order=710, permission=REPORT_PERMISSION)


@hooks.register(MEMBER_ADMIN_LINKS_HOOK)
def member_segment_link(member, request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return []
    label = dict(Segment.choices).get(member.segment, member.segment)
    return [MemberAdminLink(label=str(_("Segment and overrides")),
                            url=reverse("member_segment", args=[member.pk]),
                            summary=str(_("Segment: %(segment)s") % {"segment": label}))]
