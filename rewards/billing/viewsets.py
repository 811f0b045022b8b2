"""Admin screens of billing ingestion (registered in ``rewards/wagtail_hooks.py``): the
quarantine (refused events as received, with their reasons) and the billing events list.
Both are read-only: events change only through ingestion."""

from __future__ import annotations

import json

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from rewards.admin_policies import ViewOnlyPolicy

from .models import BillingEvent, QuarantinedEvent

# Registered before the viewsets are (their module is imported by rewards/wagtail_hooks.py).
register_permission_policy(QuarantinedEvent, ViewOnlyPolicy(QuarantinedEvent), exact_class=True)
register_permission_policy(BillingEvent, ViewOnlyPolicy(BillingEvent), exact_class=True)


class QuarantineInspectView(InspectView):
    def get_raw_display_value(self):
        text = json.dumps(self.object.raw, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def get_reasons_display_value(self):
        items = format_html_join("", "<li>{}</li>", ((message,) for message in self.object.reasons))
        return format_html("<ul>{}</ul>", items)


class QuarantinedEventViewSet(ModelViewSet):
    model = QuarantinedEvent
    icon = "warning"
    menu_label = _("Quarantined events")
    url_prefix = "rewards/quarantine"
    add_to_admin_menu = False
    copy_view_enabled = False
    exclude_form_fields = []  # no add or edit screen is reachable (ViewOnlyPolicy)
    inspect_view_enabled = True
    inspect_view_class = QuarantineInspectView
    inspect_view_fields = ["event_id", "reason", "reasons", "raw", "source", "batch_ref", "position",
                           "received_at", "resolved_at"]
    list_display = [
        Column("event_id", label=_("Event id"), accessor=lambda obj: obj.event_id or "—"),
        Column("reason", label=_("Reason"), accessor="get_reason_display"),
        Column("first_reason", label=_("Message"), accessor=lambda obj: (obj.reasons or [""])[0][:120]),
        Column("source", label=_("Source"), accessor="get_source_display"),
        "batch_ref",
        DateColumn("received_at", label=_("Received")),
        DateColumn("resolved_at", label=_("Resolved")),
    ]
    list_filter = {"reason": ["exact"], "source": ["exact"], "received_at": ["date__gte", "date__lte"],
                   "resolved_at": ["isnull"]}
    search_fields = ["event_id", "batch_ref"]
    ordering = ["-received_at", "-id"]
    list_per_page = 50


class BillingEventViewSet(ModelViewSet):
    model = BillingEvent
    icon = "list-ul"
    menu_label = _("Billing events")
    url_prefix = "rewards/billing-events"
    add_to_admin_menu = False
    copy_view_enabled = False
    exclude_form_fields = []  # no add or edit screen is reachable (ViewOnlyPolicy)
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["id"]
    list_display = [
        "event_id",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("member", label=_("Member"), accessor="member_id"),
        Column("state", label=_("State"), accessor="get_state_display"),
        Column("amount", label=_("Amount")),
        DateColumn("occurred_at", label=_("Occurred")),
        DateColumn("received_at", label=_("Received")),
    ]
    list_filter = {"kind": ["exact"], "state": ["exact"], "source": ["exact"],
                   "occurred_at": ["date__gte", "date__lte"]}
    search_fields = ["event_id", "batch_ref", "reverses"]
    ordering = ["-received_at", "-id"]
    list_per_page = 50
