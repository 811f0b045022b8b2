"""The member's profile in the admin, read-only: the aggregates of the last refresh, formatted
(money in the operator's currency, numbers grouped the reader's way). Linked from the member's
detail; staff with ``profiles.view_memberprofile`` only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from club.members.admin.inspect import MEMBER_ADMIN_LINKS_HOOK, MemberAdminLink
from club.members.admin.member_screen import MemberAdminScreen
from rewards.discounts.quote import money_text

from ..models import MemberProfile
from ..selectors import member_profile

VIEW_PERMISSION = "profiles.view_memberprofile"
_MONEY = "money"
_DAYS = "days"
_MOMENT = "moment"

# (heading, [(field, how it is shown)]) in the order of the page
SECTIONS = [
    (_("Spend"), [("spend_3m", _MONEY), ("spend_prev_3m", _MONEY), ("spend_12m", _MONEY),
                  ("months_active_12m", "")]),
    (_("Usage"), [("data_mb_3m", ""), ("data_mb_prev_3m", ""), ("voice_minutes_3m", ""),
                  ("voice_minutes_prev_3m", ""), ("sms_3m", "")]),
    (_("Top-ups"), [("top_ups_3m", ""), ("top_up_amount_3m", _MONEY), ("mean_days_between_top_ups", _DAYS),
                    ("last_top_up_at", _MOMENT)]),
    (_("Balance and arrears"), [("days_suspended_90d", ""), ("days_in_arrears_90d", ""),
                                ("arrears_episodes_12m", "")]),
    (_("Care"), [("complaints_90d", ""), ("support_contacts_90d", "")]),
]


@dataclass(frozen=True)
class ProfileRow:
    field: str
    label: str
    text: str  # empty for a moment: the template formats it in the reader's format
    moment: object = None


def _text(value, how: str) -> str:
    if value is None:
        return "—"
    if how == _MONEY:
        return money_text(Decimal(value))
    if how == _DAYS:
        return number_format(Decimal(value), decimal_pos=1, use_l10n=True, force_grouping=True)
    return number_format(value, use_l10n=True, force_grouping=True)


def profile_sections(profile: MemberProfile) -> list[tuple[str, list[ProfileRow]]]:
    sections = []
    for heading, fields in SECTIONS:
        rows = []
        for field, how in fields:
            value = getattr(profile, field)
            label = str(capfirst(MemberProfile._meta.get_field(field).verbose_name))
            if how == _MOMENT and value is not None:
                rows.append(ProfileRow(field, label, "", value))
            else:
                rows.append(ProfileRow(field, label, _text(value, how)))
        sections.append((str(heading), rows))
    return sections


class MemberProfileView(MemberAdminScreen):
    template_name = "profiles/profile/member_profile.html"
    page_title = _("Usage profile")
    header_icon = "table"
    view_permission = VIEW_PERMISSION

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = member_profile(member_id=self.member.pk)
        context.update(profile=profile, sections=profile_sections(profile) if profile else [],
                       consents=self.member.consent_profiling)
        return context


@hooks.register("register_admin_urls")
def register_profile_urls():
    return [path("profiles/member/<int:member_id>/", MemberProfileView.as_view(), name="profiles_member")]


@hooks.register(MEMBER_ADMIN_LINKS_HOOK)
def member_profile_link(member, request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return []
    profile = member_profile(member_id=member.pk)
    if profile is None:
        summary = _("Not profiled yet")
    else:
        summary = _("Spend in the last 3 months: %(amount)s") % {"amount": money_text(profile.spend_3m)}
    return [MemberAdminLink(label=str(_("Usage profile")), url=reverse("profiles_member", args=[member.pk]),
                            summary=str(summary))]
