"""A member RSVPs to a club event and opens the ticket (QR code); door staff check them in by
the ticket's code; the member's statement shows the attendance points. In chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from club.events.models import Rsvp
from tests.factories import MemberFactory, UserFactory
from tests.integration.events.conftest import make_event, make_index
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def staff_session(page, live_server) -> None:
    """The admin's own login needs a TOTP code; a logged-in client's session is the same thing
    for the screen under test (as in test_campaign_admin)."""
    client = Client()
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "events.check_in_rsvp"))
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_a_member_rsvps_shows_the_ticket_and_staff_check_them_in(page, live_server, shot):
    # given: an event starting in 30 minutes that gives 25 points for coming, and a member
    now = timezone.now().replace(microsecond=0)
    event = make_event(make_index(), title="Photo walk", slug="photo-walk",
                       starts_at=now + dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=2),
                       rsvp_closes_hours_before=0, attendance_points=25)
    member = MemberFactory(user=UserFactory(email="hoa.pham@example.test"), language="en")
    log_in(page, "hoa.pham@example.test", event.url)

    # when: RSVPing and opening the ticket
    page.get_by_test_id("rsvp-panel").get_by_role("button", name="RSVP").click()
    page.get_by_test_id("rsvp-status").filter(has_text="Your place is confirmed").wait_for()
    shot("1-rsvp")
    page.get_by_test_id("ticket-link").click()

    # then: the QR code is drawn, with the ticket's code under it
    qr = page.locator('[data-testid="ticket-qr"] svg')
    qr.wait_for()
    assert qr.is_visible() and qr.bounding_box()["width"] > 100
    token = page.get_by_test_id("ticket-token").inner_text()
    assert token == Rsvp.objects.get(member=member).ticket_token
    shot("2-ticket")

    # when: door staff scan it (the scanner types the code into the focused field and Enter)
    staff_session(page, live_server)
    page.goto(reverse("events_check_in", args=(event.pk,)))
    field = page.get_by_label("Ticket code")
    assert field.evaluate("element => element === document.activeElement")
    field.fill(token)
    field.press("Enter")

    # then: checked in, and a second scan says when
    outcome = page.locator("[data-check-in-outcome]")
    assert outcome.inner_text() == f"{member.msisdn}: Checked in. +25 points"
    assert outcome.get_attribute("data-check-in-outcome") == "success"
    shot("3-checked-in")
    page.get_by_label("Ticket code").fill(token)
    page.get_by_label("Ticket code").press("Enter")
    assert outcome.inner_text().startswith(f"{member.msisdn}: Already checked in at ")
    assert outcome.get_attribute("data-check-in-outcome") == "warning"
    assert Rsvp.objects.get(member=member).checked_in_at is not None

    # and: the member's statement shows the attendance points
    page.context.clear_cookies()
    log_in(page, "hoa.pham@example.test", "/portal/statement/")
    statement = page.get_by_test_id("statement")
    assert "Attended Photo walk: 25 points" in statement.inner_text()
    shot("4-statement")
