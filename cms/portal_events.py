"""The member portal's event pages (views and their URLs, included by ``cms.portal_urls``):
a member's ticket with its QR code, an event's ``.ics`` file, the public calendar feed, and the
member's secret feed with the page that makes and revokes its link (docs/events.md)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from club.events.calendar import events_calendar
from club.events.qr import qr_svg
from club.events.selectors import (
    access_ticket,
    calendar_feed_member_id,
    calendar_feed_token,
    event_page,
    events_published_upcoming,
    member_confirmed_events,
)
from club.events.services import calendar_feed_get_or_create, calendar_feed_revoke
from club.members.selectors import member_for_user

# A member's own feed keeps the events of the last month too (what they went to).
FEED_PAST = dt.timedelta(days=31)


def _ics(text: str, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def ticket(request: HttpRequest, event_id: int) -> HttpResponse:
    """The member's own ticket: 404 for anyone else's, and for a place not confirmed."""
    member = member_for_user(user=request.user)
    if member is None:
        return redirect("portal:link")
    found = access_ticket(event_id=event_id, member_id=member.pk)
    if found is None:
        raise Http404
    qr = qr_svg(found.token, label=_("Ticket for %(event)s") % {"event": found.event.title})
    return render(request, "events/ticket.html", {"ticket": found, "event": found.event, "qr": qr})


@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_page(event_id=event_id)
    if event is None:
        raise Http404
    text = events_calendar([event], name=event.title, now=timezone.now())
    return _ics(text, filename=f"event-{event.pk}.ics")


@require_GET
def events_feed(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return _ics(events_calendar(events_published_upcoming(since=now), name=_("Club events"), now=now))


@require_GET
def member_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar apps fetch it; the secret token in the URL is the proof."""
    member_id = calendar_feed_member_id(token=token)
    if member_id is None:
        raise Http404
    now = timezone.now()
    events = member_confirmed_events(member_id=member_id, since=now - FEED_PAST)
    return _ics(events_calendar(events, name=_("My club events"), now=now, with_online_link=True))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The member's feed link: made with "Create", stopped with "Revoke"."""
    member = member_for_user(user=request.user)
    if member is None:
        return redirect("portal:link")
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feed_revoke(member_id=member.pk)
            messages.success(request, _("Your calendar link no longer works."))
        else:
            calendar_feed_revoke(member_id=member.pk)
            calendar_feed_get_or_create(member_id=member.pk)
            messages.success(request, _("Your new calendar link is ready."))
        return redirect("portal:event_calendar")
    token = calendar_feed_token(member_id=member.pk)
    feed_url = request.build_absolute_uri(reverse("portal:event_member_feed", args=[token])) if token else ""
    public_url = request.build_absolute_uri(reverse("portal:events_feed"))
    return render(request, "events/calendar_settings.html", {"feed_url": feed_url, "public_url": public_url})


urlpatterns = [
    path("events/<int:event_id>/ticket/", ticket, name="event_ticket"),
    path("events/<int:event_id>/calendar.ics", event_ics, name="event_ics"),
    path("events/calendar.ics", events_feed, name="events_feed"),
    path("events/calendar/", calendar_settings, name="event_calendar"),
    # No login: the secret token is the proof; revoking the feed makes it 404.
    path("events/feed/<str:token>.ics", member_feed, name="event_member_feed"),
]
