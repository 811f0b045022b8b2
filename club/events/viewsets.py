"""Admin screens of club events (registered in ``club/events/wagtail_hooks.py``): the RSVPs,
read-only (they change only through the services), filterable by event and status."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from rewards.admin_policies import ViewOnlyPolicy

from .models import EventPage, Rsvp, RsvpStatus

register_permission_policy(Rsvp, ViewOnlyPolicy(Rsvp), exact_class=True)


class RsvpFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(
        queryset=EventPage.objects.order_by("-starts_at"), label=_("Event"),
    )
    status = django_filters.ChoiceFilter(choices=RsvpStatus.choices, label=_("Status"))
    member = django_filters.NumberFilter(field_name="member_id", label=_("Member id"))

    class Meta:
        model = Rsvp
        fields = []


class RsvpViewSet(ModelViewSet):
    """Who answered which event; ``?event=<page id>`` shows one event's RSVPs, the waitlist
    in queue order."""

    model = Rsvp
    icon = "calendar"
    menu_label = _("Event RSVPs")
    name = "club_rsvps"
    url_prefix = "club/rsvps"
    add_to_reference_index = False
    copy_view_enabled = False
    exclude_form_fields = []  # no add or edit screen is reachable (ViewOnlyPolicy)
    filterset_class = RsvpFilterSet
    list_display = [
        Column("event", label=_("Event")),
        Column("member", label=_("Member")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("waitlist_position", label=_("Waitlist position"),
               accessor=lambda rsvp: rsvp.waitlist_position or "—"),
        DateColumn("created_at", label=_("Answered")),
        DateColumn("confirmed_at", label=_("Confirmed")),
        DateColumn("cancelled_at", label=_("Cancelled")),
        DateColumn("checked_in_at", label=_("Checked in")),
    ]
    ordering = ["event", "status", "waitlist_position", "created_at"]
    list_per_page = 100

    def get_queryset(self, request):
        return Rsvp.objects.select_related("event", "member")
