"""Rewards > Quarantined events and Billing events in the Wagtail admin: view-only screens."""

from __future__ import annotations

import pytest

from rewards.billing.models import BillingEvent, QuarantinedEvent
from rewards.billing.services import billing_events_ingest
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .helpers import bill

pytestmark = pytest.mark.django_db
QUARANTINE = "/admin/rewards/quarantine/"
EVENTS = "/admin/rewards/billing-events/"


@pytest.fixture
def viewer(client):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "billing.view_quarantinedevent",
                                      "billing.view_billingevent"))
    return client


@pytest.fixture
def quarantined(rules, member):
    billing_events_ingest(events=[bill(member, "-5", event_id="B-NEG"), {"kind": "refund"},
                                  bill(member, event_id="B-OK")], source="api")
    return QuarantinedEvent.objects.get(event_id="B-NEG")


def test_the_quarantine_lists_and_filters_by_reason(viewer, quarantined):
    response = viewer.get(QUARANTINE)
    assert response.status_code == 200
    assert {obj.event_id for obj in response.context["object_list"]} == {"B-NEG", ""}

    filtered = viewer.get(QUARANTINE, {"reason": "bad_amount", "source": "api"})
    assert [obj.event_id for obj in filtered.context["object_list"]] == ["B-NEG"]


def test_the_detail_shows_the_raw_event_and_its_reasons(viewer, quarantined):
    response = viewer.get(f"{QUARANTINE}inspect/{quarantined.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "&quot;amount&quot;: &quot;-5&quot;" in html
    assert "amount: negative (-5)" in html


def test_the_events_list_shows_applied_events(viewer, quarantined):
    response = viewer.get(EVENTS, {"state": "applied"})
    assert [obj.event_id for obj in response.context["object_list"]] == ["B-OK"]


def test_nobody_edits_or_deletes_from_the_admin(client, quarantined):
    login_with_mfa(client, staff_with_mfa(
        "wagtailadmin.access_admin", "billing.view_quarantinedevent", "billing.change_quarantinedevent",
        "billing.delete_quarantinedevent", "billing.add_quarantinedevent",
    ))
    assert client.get(f"{QUARANTINE}edit/{quarantined.pk}/").status_code in {302, 403}
    assert client.post(f"{QUARANTINE}delete/{quarantined.pk}/").status_code in {302, 403}
    assert client.get(f"{QUARANTINE}new/").status_code in {302, 403}
    assert QuarantinedEvent.objects.filter(pk=quarantined.pk).exists()
    assert BillingEvent.objects.count() == 1


def test_staff_without_the_view_permission_are_refused(client, quarantined):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))
    assert client.get(QUARANTINE).status_code in {302, 403}
