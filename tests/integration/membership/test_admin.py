"""The Membership menu in the admin: memberships and Stripe events are read-only; prices are
edited there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from club.membership.models import MembershipPrice
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.membership_stripe import deliver, make_price
from tests.mfa_login import login_with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


@pytest.fixture
def admin(client):
    login_with_mfa(client, staff_with_mfa(is_superuser=True))
    return client


def test_memberships_and_events_are_listed(admin, fake_stripe):
    member, price = MemberFactory(), make_price()
    for event in fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000):
        deliver(admin, event)

    memberships = admin.get(reverse("club_memberships:index"))
    events = admin.get(reverse("club_stripe_events:index"))

    assert memberships.status_code == 200 and member.msisdn in memberships.content.decode()
    assert events.status_code == 200 and "invoice.paid" in events.content.decode()


def test_memberships_cannot_be_added_in_the_admin(admin):
    assert admin.get(reverse("club_memberships:add")).status_code in {302, 403}


def test_a_price_is_created_in_the_admin(admin):
    answer = admin.post(reverse("club_membership_prices:add"), {
        "name": "Club yearly", "stripe_price_id": "price_yearly1", "amount": "990000", "currency": "VND",
        "interval": "year", "points_per_invoice": "1500", "live": "on", "sort_order": "1",
    })

    assert answer.status_code == 302
    assert MembershipPrice.objects.get().stripe_price_id == "price_yearly1"


def test_a_malformed_stripe_price_id_is_refused(admin):
    answer = admin.post(reverse("club_membership_prices:add"), {
        "name": "Bad", "stripe_price_id": "yearly", "amount": "1", "currency": "VND", "interval": "year",
        "points_per_invoice": "0", "sort_order": "0",
    })

    assert answer.status_code == 200
    assert not MembershipPrice.objects.exists()


def test_staff_without_the_view_permission_see_no_memberships(client):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))

    assert client.get(reverse("club_memberships:index")).status_code in {302, 403}
