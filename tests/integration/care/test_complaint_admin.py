"""The complaints listing (filters: status, category, overdue, assigned to me) and a complaint's
screen in the admin: take, answer, resolve with goodwill points, close; the permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from club.care.models import Complaint, ComplaintStatus
from club.care.services import complaint_assign, complaint_file
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

HANDLER = ("wagtailadmin.access_admin", "care.view_complaint", "care.change_complaint")


def file(subject, *, category="billing", now=None):
    return complaint_file(member_id=MemberFactory().pk, category=category, subject=subject,
                          description="Details.", now=now)


def listed(client, **params) -> set[str]:
    response = client.get(reverse("care_complaints:index"), params)
    assert response.status_code == 200
    return {c.subject for c in response.context["object_list"]}


def test_the_listing_filters_by_status_category_overdue_and_mine(client):
    staff = staff_with_mfa(*HANDLER)
    late = file("Late", category="network", now=timezone.now() - dt.timedelta(days=3))
    fresh_device = file("Fresh device", category="device")
    mine = file("Mine")
    complaint_assign(complaint_id=mine.pk, assignee=staff, staff_user=staff)
    Complaint.objects.filter(pk=fresh_device.pk).update(status=ComplaintStatus.CLOSED)
    login_with_mfa(client, staff)

    assert listed(client) == {"Late", "Fresh device", "Mine"}
    assert listed(client, status="closed") == {"Fresh device"}
    assert listed(client, category="network") == {"Late"}
    assert listed(client, overdue="true") == {"Late"}
    assert listed(client, mine="true") == {"Mine"}
    listing = client.get(reverse("care_complaints:index"))
    assert reverse("care_complaint", args=[late.pk]) in listing.content.decode()
    assert [c.overdue for c in listing.context["object_list"] if c.subject == "Late"] == [True]
    assert client.get(reverse("care_complaint", args=[late.pk])).content.decode().count("data-overdue") == 1


def test_a_handler_takes_answers_and_resolves_with_goodwill(client):
    staff = staff_with_mfa(*HANDLER, "ledger.add_ledgerentry")
    complaint = file("Charged twice")
    url = reverse("care_complaint", args=[complaint.pk])
    login_with_mfa(client, staff)

    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "take"}).status_code == 302
    assert client.post(url, {"action": "respond", "message": ""}).status_code == 400
    assert client.post(url, {"action": "respond", "message": "Sorry, checking."}).status_code == 302
    resolved = client.post(url, {"action": "resolve", "resolution": "Refunded.", "goodwill_points": "250"})
    assert resolved.status_code == 302

    complaint.refresh_from_db()
    assert (complaint.assigned_to, complaint.status, complaint.goodwill_points) == (staff, "resolved", 250)
    assert complaint.first_responded_at is not None
    assert LedgerEntry.objects.get().points == 250
    assert client.post(url, {"action": "close"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED


def test_goodwill_needs_the_ledger_permission_and_viewing_is_not_handling(client):
    complaint = file("Charged twice")
    url = reverse("care_complaint", args=[complaint.pk])
    login_with_mfa(client, staff_with_mfa(*HANDLER))

    refused = client.post(url, {"action": "resolve", "resolution": "Refunded.", "goodwill_points": "250"})

    assert refused.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN and not LedgerEntry.objects.exists()

    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "care.view_complaint"))
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "take"}).status_code in (302, 403)
    assert client.post(url, {"action": "resolve", "resolution": "x"}).status_code in (302, 403)
    complaint.refresh_from_db()
    assert complaint.assigned_to is None and complaint.status == ComplaintStatus.OPEN
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))
    assert client.get(url).status_code in (302, 403)
