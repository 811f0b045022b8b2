"""Admin listings of contact records (registered in ``campaigns/wagtail_hooks.py``): every
delivery and every suppression with its reason, view-only (they change through services)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from rewards.admin_policies import ViewOnlyPolicy

from .models import Delivery, Suppression

for _model in (Delivery, Suppression):
    register_permission_policy(_model, ViewOnlyPolicy(_model), exact_class=True)


def _why_url(record) -> str:
    url = reverse("contact_member_history", args=[record.member_id])
    return f"{url}?campaign={record.campaign_id or ''}"


class _RecordViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []  # no add or edit screen is reachable (ViewOnlyPolicy)
    list_per_page = 50


class DeliveryViewSet(_RecordViewSet):
    model = Delivery
    icon = "mail"
    name = "contact_deliveries"
    menu_label = _("Deliveries")
    url_prefix = "campaigns/deliveries"
    list_display = [
        "campaign",
        "member",
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        "occurrence",
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("reserved_at", label=_("Reserved")),
        DateColumn("send_after", label=_("Quiet hours until")),
        DateColumn("sent_at", label=_("Sent")),
        DateColumn("viewed_at", label=_("Seen")),
        "cost",
        TitleColumn("why", label=_("Member's contacts"), accessor=lambda d: _("history"), get_url=_why_url),
    ]
    list_filter = {
        "status": ["exact"], "channel": ["exact"], "campaign": ["exact"], "reserved_at": ["date__gte"]
    }
    search_fields = ["member__msisdn", "member__account_number", "occurrence"]
    ordering = ["-reserved_at", "-id"]


class SuppressionViewSet(_RecordViewSet):
    model = Suppression
    icon = "cross"
    name = "contact_suppressions"
    menu_label = _("Suppressions")
    url_prefix = "campaigns/suppressions"
    list_display = [
        "campaign",
        "member",
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        "occurrence",
        Column("reason", label=_("Reason"), accessor="get_reason_display"),
        "detail",
        DateColumn("at", label=_("When")),
        TitleColumn("why", label=_("Member's contacts"), accessor=lambda s: _("history"), get_url=_why_url),
    ]
    list_filter = {"reason": ["exact"], "channel": ["exact"], "campaign": ["exact"], "at": ["date__gte"]}
    search_fields = ["member__msisdn", "member__account_number", "occurrence"]
    ordering = ["-at", "-id"]


def contact_viewsets() -> list:
    """The Campaigns menu's contact screens, in menu order."""
    return [DeliveryViewSet(), SuppressionViewSet()]
