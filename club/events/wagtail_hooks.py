"""Club events in the admin: the "Club" menu (RSVPs), an "RSVPs" button on event pages, and
the waitlist filled when an event is published with more places."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.base import ViewSetGroup

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
