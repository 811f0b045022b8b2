"""The admin: "why did member X (not) get campaign Y?" from the member's page, and the
Deliveries and Suppressions listings of the Campaigns menu (view-only)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from campaigns.contact.models import Delivery
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .factories import campaign, member, policy
from .test_reserve import reserve

pytestmark = pytest.mark.django_db

VIEWER = ("wagtailadmin.access_admin", "members.view_member", "contact.view_delivery",
          "contact.view_suppression")


def url(target):
    return f"/admin/campaigns/contacts/{target.pk}/"


@pytest.fixture
def history():
    policy(sms_max=1)
    target = member(consent_email=False)
    first = campaign(name="Weekend data", send_portal=False, send_sms=True)
    second = campaign(name="Birthday bonus", send_portal=False, send_sms=True, send_email=True)
    # Now, not the factories' fixed day: the screen counts the caps' windows back from now.
    now = timezone.now()
    reserve(first, members=[target], at=now)
    reserve(second, members=[target], at=now)
    return target, first, second


def refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def test_the_member_page_links_to_contacts_and_caps(client, history):
    target, _first, _second = history
    login_with_mfa(client, staff_with_mfa(*VIEWER))
    body = client.get(f"/admin/member/inspect/{target.pk}/").content.decode()
    assert url(target) in body and "1 deliveries, 2 suppressions" in body


def test_the_screen_answers_why_with_the_reasons_and_the_caps_now(client, history):
    target, first, second = history
    login_with_mfa(client, staff_with_mfa(*VIEWER))
    body = client.get(url(target)).content.decode()
    assert 'data-delivered="reserved"' in body and "Weekend data" in body
    assert 'data-suppressed="channel_cap"' in body and "Channel cap across campaigns reached" in body
    assert 'data-suppressed="no_channel_consent"' in body
    assert "<tr data-full><td>SMS, last 7 days</td><td>1</td><td>1</td></tr>" in body
    only_first = client.get(url(target), {"campaign": first.pk}).content.decode()
    assert "Weekend data" in only_first and "Birthday bonus</td>" not in only_first


def test_the_listings_open_and_offer_no_change(client, history):
    login_with_mfa(client, staff_with_mfa(*VIEWER))
    deliveries = client.get("/admin/campaigns/deliveries/")
    suppressions = client.get("/admin/campaigns/suppressions/", {"reason": "channel_cap"})
    assert deliveries.status_code == suppressions.status_code == 200
    assert "Weekend data" in deliveries.content.decode()
    assert "Channel cap across campaigns reached" in suppressions.content.decode()
    delivery = Delivery.objects.get()
    assert client.get(f"/admin/campaigns/deliveries/inspect/{delivery.pk}/").status_code == 200
    assert refused(client.get(f"/admin/campaigns/deliveries/edit/{delivery.pk}/"))
    assert "/admin/campaigns/deliveries/add/" not in deliveries.content.decode()


def test_staff_without_the_permission_is_refused(client, history):
    target, _first, _second = history
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "members.view_member"))
    assert refused(client.get(url(target)))
    body = client.get(f"/admin/member/inspect/{target.pk}/").content.decode()
    assert url(target) not in body
