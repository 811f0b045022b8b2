"""The attendance report in the admin: its figures, its CSV (guarded against spreadsheet
formulas) and who may read it; the check-in screen's scan and MSISDN search."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from club.audit.models import AuditEntry
from club.audit.services import PERSONAL_DATA_VIEWED
from club.events.models import Rsvp
from club.events.report import event_attendance_figures
from club.events.services import rsvp_cancel, rsvp_check_in, rsvp_create
from tests.factories import MemberFactory, UserFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

START = dt.datetime(2031, 3, 14, 12, 30, tzinfo=dt.UTC)
BEFORE = START - dt.timedelta(days=5)


@pytest.fixture
def admin_user():
    return staff_with_mfa(is_superuser=True)


@pytest.fixture
def event(event_factory):
    """3 places: 3 confirmed (2 checked in), 1 waitlisted, 1 cancelled."""
    event = event_factory(starts_at=START, ends_at=START + dt.timedelta(hours=2), capacity=3)
    members = [MemberFactory(msisdn=f"+8490111000{n}") for n in range(5)]
    for member in members:
        rsvp_create(event_id=event.pk, member_id=member.pk, at=BEFORE)
    rsvp_cancel(event_id=event.pk, member_id=members[0].pk, at=BEFORE)  # the 4th is promoted
    staff = UserFactory(email="door@example.test", is_staff=True)
    for member in members[1:3]:
        rsvp_check_in(token=Rsvp.objects.get(member=member).ticket_token, staff_user=staff, at=START)
    return event


def test_the_figures_before_and_after_the_end(event):
    during = event_attendance_figures(event_id=event.pk, ends_at=event.ends_at, now=START)
    after = event_attendance_figures(event_id=event.pk, ends_at=event.ends_at, now=event.ends_at)

    assert (during.confirmed, during.waitlisted, during.cancelled, during.checked_in) == (3, 1, 1, 2)
    assert during.no_shows == 0  # not counted while it runs
    assert after.no_shows == 1
    assert after.attendance_rate == pytest.approx(2 / 3)


def test_no_confirmed_place_has_no_rate(event_factory):
    event = event_factory()

    figures = event_attendance_figures(event_id=event.pk, ends_at=event.ends_at, now=START)

    assert figures.attendance_rate is None


def test_the_report_page(client, admin_user, event):
    login_with_mfa(client, admin_user)

    html = client.get(reverse("events_attendance", args=(event.pk,))).content.decode()

    assert "<dd data-confirmed>3</dd>" in html and "<dd data-checked-in>2</dd>" in html
    assert "<dd data-waitlisted>1</dd>" in html and "<dd data-cancelled>1</dd>" in html
    assert "<dd data-rate>67%</dd>" in html


def test_the_csv_lists_every_rsvp_and_neutralises_formulas(client, admin_user, event):
    Rsvp.objects.filter(member__msisdn="+84901110001").update(status="confirmed")
    login_with_mfa(client, admin_user)

    response = client.get(reverse("events_attendance_csv", args=(event.pk,)))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["msisdn", "account_number", "status", "answered_at", "confirmed_at", "cancelled_at",
                       "checked_in_at", "checked_in_by"]
    assert [row[0] for row in rows[1:]] == [f"'+8490111000{n}" for n in range(5)]  # "+" starts a formula
    assert [row[2] for row in rows[1:]] == ["cancelled", "confirmed", "confirmed", "confirmed", "waitlisted"]
    assert [row[7] for row in rows[1:]] == ["", "door@example.test", "door@example.test", "", ""]
    assert rows[2][6] == START.isoformat()


def test_staff_without_the_permission_cannot_read_the_report_or_check_in(client, event):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))

    for name in ("events_attendance", "events_attendance_csv", "events_check_in"):
        response = client.get(reverse(name, args=(event.pk,)))
        assert response.status_code == 403 or response.url.startswith("/admin/"), name
    token = Rsvp.objects.get(member__msisdn="+84901110003").ticket_token
    client.post(reverse("events_check_in", args=(event.pk,)), {"token": token})
    assert Rsvp.objects.get(member__msisdn="+84901110003").checked_in_at is None


def test_door_staff_check_in_by_scan_and_find_by_msisdn(client, event_factory):
    now = timezone.now()
    event = event_factory(title="Tonight", slug="tonight", starts_at=now + dt.timedelta(minutes=30),
                          ends_at=now + dt.timedelta(hours=2), attendance_points=15,
                          rsvp_closes_hours_before=0)
    member = MemberFactory(msisdn="+84901110003")
    rsvp_create(event_id=event.pk, member_id=member.pk)
    user = staff_with_mfa("wagtailadmin.access_admin", "events.check_in_rsvp")
    login_with_mfa(client, user)
    url = reverse("events_check_in", args=(event.pk,))
    found = client.get(url, {"q": "1110003"}).content.decode()
    token = Rsvp.objects.get(member=member).ticket_token
    assert "+84901110003" in found and f'value="{token}"' in found
    assert "data-camera-start hidden" in found and "events/check_in_camera.js" in found  # shown by the script

    response = client.post(url, {"token": token}, follow=True)

    assert "+84901110003: Checked in. +15 points" in response.content.decode()
    assert Rsvp.objects.get(member=member).checked_in_by == user

    again = client.post(url, {"token": token}, follow=True).content.decode()

    assert "+84901110003: Already checked in at" in again
    # the search and both answers showed the member's line: three views in the audit log
    viewed = AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED, user=user)
    assert list(viewed.values_list("member_id", flat=True)) == [member.pk] * 3
    assert {entry.data["screen"] for entry in viewed} == {"events_check_in"}
    client.get(url, {"q": "9999999"})  # found nobody: nothing shown, nothing recorded
    assert viewed.count() == 3


def test_the_door_page_lists_the_events_around_now(client, event_factory):
    now = timezone.now()
    tonight = event_factory(title="Tonight", slug="tonight", starts_at=now + dt.timedelta(hours=1),
                            ends_at=now + dt.timedelta(hours=3))
    event_factory(title="Next year", slug="next-year", starts_at=now + dt.timedelta(days=365),
                  ends_at=now + dt.timedelta(days=365, hours=2))
    login_with_mfa(client, staff_with_mfa(is_superuser=True))

    html = client.get(reverse("events_door")).content.decode()

    assert "Tonight" in html and "Next year" not in html
    assert reverse("events_check_in", args=(tonight.pk,)) in html
    assert reverse("events_attendance", args=(tonight.pk,)) in html
