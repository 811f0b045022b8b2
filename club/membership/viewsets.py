"""Admin screens of the club membership (registered in ``wagtail_hooks.py``): the memberships
and the Stripe event inbox, read-only (they change only from Stripe's events, reconcile and the
earned evaluation), and the prices, which marketers edit."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from rewards.admin_policies import ReadOnlyViewSet, ViewOnlyPolicy

from .models import (
    ClubMembership,
    InboxOutcome,
    MembershipPrice,
    MembershipSource,
    MembershipStatus,
    StripeEventInbox,
)

register_permission_policy(ClubMembership, ViewOnlyPolicy(ClubMembership), exact_class=True)
register_permission_policy(StripeEventInbox, ViewOnlyPolicy(StripeEventInbox), exact_class=True)


class MembershipFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=MembershipStatus.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=MembershipSource.choices, label=_("Source"))
    member = django_filters.NumberFilter(field_name="member_id", label=_("Member id"))

    class Meta:
        model = ClubMembership
        fields = []


class MembershipViewSet(ReadOnlyViewSet):
    model = ClubMembership
    icon = "group"
    menu_label = _("Memberships")
    name = "club_memberships"
    url_prefix = "club/memberships"
    add_to_reference_index = False
    filterset_class = MembershipFilterSet
    list_display = [
        Column("member", label=_("Member")),
        Column("source", label=_("Source"), accessor="get_source_display"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("price", label=_("Price")),
        DateColumn("period_end", label=_("Current period ends")),
        BooleanColumn("stripe_cancel_at_period_end", label=_("Cancels at period end")),
        DateColumn("updated_at", label=_("Updated")),
    ]
    inspect_view_fields = [
        "member", "source", "status", "started_at", "period_end", "price", "stripe_customer_id",
        "stripe_subscription_id", "stripe_status", "stripe_cancel_at_period_end", "stripe_state_at",
        "payment_failed_at", "updated_at",
    ]
    ordering = ["-updated_at"]

    def get_queryset(self, request):
        return ClubMembership.objects.select_related("member", "price")


class InboxFilterSet(WagtailFilterSet):
    type = django_filters.CharFilter(label=_("Type"))
    outcome = django_filters.ChoiceFilter(choices=InboxOutcome.choices, label=_("Outcome"))
    event_id = django_filters.CharFilter(label=_("Event id"))

    class Meta:
        model = StripeEventInbox
        fields = []


class StripeEventViewSet(ReadOnlyViewSet):
    model = StripeEventInbox
    icon = "cogs"
    menu_label = _("Stripe events")
    name = "club_stripe_events"
    url_prefix = "club/stripe-events"
    add_to_reference_index = False
    filterset_class = InboxFilterSet
    list_display = [
        Column("event_id", label=_("Event id")),
        Column("type", label=_("Type")),
        Column("outcome", label=_("Outcome"), accessor="get_outcome_display"),
        Column("member", label=_("Member")),
        DateColumn("created", label=_("Created at Stripe")),
        DateColumn("received_at", label=_("Received")),
    ]
    inspect_view_fields = ["event_id", "type", "created", "livemode", "received_at", "processed_at",
                           "outcome", "member", "payload"]
    ordering = ["-received_at"]

    def get_queryset(self, request):
        return StripeEventInbox.objects.select_related("member")


class MembershipPriceViewSet(ModelViewSet):
    model = MembershipPrice
    icon = "tag"
    menu_label = _("Membership prices")
    name = "club_membership_prices"
    url_prefix = "club/membership-prices"
    copy_view_enabled = False
    form_fields = ["name", "stripe_price_id", "amount", "currency", "interval", "points_per_invoice", "live",
                   "sort_order"]
    list_display = [
        Column("name", label=_("Name")),
        Column("stripe_price_id", label=_("Stripe price id")),
        Column("amount", label=_("Amount")),
        Column("currency", label=_("Currency")),
        Column("interval", label=_("Billing interval"), accessor="get_interval_display"),
        Column("points_per_invoice", label=_("Points per paid invoice")),
        BooleanColumn("live", label=_("Offered")),
    ]
