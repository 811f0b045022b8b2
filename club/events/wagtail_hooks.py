"""Club events in the admin: the "Club" menu (RSVPs), an "RSVPs" button on event pages, and
the waitlist filled when an event is published with more places."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin_views import (
    CHECK_IN_PERMISSION,
    REPORT_PERMISSION,
    AttendanceCsvView,
    AttendanceReportView,
    CheckInView,
    EventChooseView,
)
from .models import EventPage
from .services import event_waitlist_promote
from .viewsets import RsvpViewSet

# Below Rewards (120), above Campaigns (130): the layer order. The other social-tier apps
# (membership, care) will join this group; it moves to a shared place then.
CLUB_MENU_ORDER = 125


class ClubGroup(ViewSetGroup):
    menu_label = _("Club")
    menu_icon = "group"
    menu_name = "club"
    menu_order = CLUB_MENU_ORDER
    items = ()

    def __init__(self):
        self.items = (RsvpViewSet(),)
        super().__init__()


@hooks.register("register_admin_viewset")
def register_club_group():
    return ClubGroup()


@hooks.register("after_publish_page")
def fill_waitlist_after_publish(request, page):
    """Staff raised the capacity (or published the event for the first time): confirm the
    first waitlisted members into the free places. ``rsvp_create`` does the same before it
    counts, for an event published without this view (scheduled publishing, a script)."""
    if page.specific_class is EventPage:
        event_waitlist_promote(event_id=page.pk)


class EventRsvpsButton(PageMenuItem):
    """The event's RSVPs (the Club menu's list, filtered to this event)."""

    label = _("RSVPs")
    icon_name = "calendar"
    priority = 40

    @property
    def url(self):
        return reverse("club_rsvps:index") + f"?event={self.page.pk}"

    def is_shown(self, user):
        return user.has_perm("events.view_rsvp")


@hooks.register("register_page_header_buttons")
def rsvps_button(page, user, view_name, next_url=None):
    if page.specific_class is EventPage:
        yield EventRsvpsButton(page=page)


@hooks.register("register_admin_urls")
def register_door_urls():
    return [
        path("club/events/door/", EventChooseView.as_view(), name="events_door"),
        path("club/events/<int:event_id>/check-in/", CheckInView.as_view(), name="events_check_in"),
        path("club/events/<int:event_id>/attendance/", AttendanceReportView.as_view(),
             name="events_attendance"),
        path("club/events/<int:event_id>/attendance.csv", AttendanceCsvView.as_view(),
             name="events_attendance_csv"),
    ]


class DoorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(CHECK_IN_PERMISSION) or request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_admin_menu_item")
def door_menu_item():
    return DoorMenuItem(_("Event check-in"), reverse("events_door"), icon_name="calendar",
                        name="events-door", order=CLUB_MENU_ORDER + 1)


class EventCheckInButton(PageMenuItem):
    label = _("Check-in")
    icon_name = "tick"
    priority = 41

    @property
    def url(self):
        return reverse("events_check_in", args=[self.page.pk])

    def is_shown(self, user):
        return user.has_perm(CHECK_IN_PERMISSION)


class EventAttendanceButton(PageMenuItem):
    label = _("Attendance")
    icon_name = "table"
    priority = 42

    @property
    def url(self):
        return reverse("events_attendance", args=[self.page.pk])

    def is_shown(self, user):
        return user.has_perm(REPORT_PERMISSION)


@hooks.register("register_page_header_buttons")
def door_buttons(page, user, view_name, next_url=None):
    if page.specific_class is EventPage:
        yield EventCheckInButton(page=page)
        yield EventAttendanceButton(page=page)
