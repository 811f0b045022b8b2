"""Ledger admin: a member's points screen (linked from the member's detail), the ledger
settings, and the audit-log action of manual adjustments."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.contrib.settings.registry import register_setting

from club.members.admin.inspect import MEMBER_ADMIN_LINKS_HOOK, MemberAdminLink

from .admin_views import VIEW_PERMISSION, MemberLedgerView
from .models import LedgerSettings
from .selectors import points_balance
from .services.debits import ADJUST_LOG_ACTION

register_setting(LedgerSettings, icon="pick")


@hooks.register("register_admin_urls")
def register_ledger_urls():
    return [path("rewards/ledger/<int:member_id>/", MemberLedgerView.as_view(), name="ledger_member")]


@hooks.register(MEMBER_ADMIN_LINKS_HOOK)
def member_ledger_link(member, request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return []
    balance = points_balance(member_id=member.pk)
    return [
        MemberAdminLink(
            label=str(_("Points ledger")),
            url=reverse("ledger_member", args=[member.pk]),
            summary=str(_("%(available)d points available, %(pending)d pending"))
            % {"available": balance.available, "pending": balance.pending},
        )
    ]


@hooks.register("register_log_actions")
def register_ledger_log_actions(actions):
    actions.register_action(ADJUST_LOG_ACTION, _("Adjust points"), _("Adjusted points"))
