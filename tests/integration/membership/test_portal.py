"""The portal's membership pages: joining redirects (303) to the Checkout session the gateway
made, managing to the Customer Portal; the test mode's pages when no Stripe key is set."""

from __future__ import annotations

import pytest
from django.urls import reverse

from club.membership.models import ClubMembership, StripeEventInbox
from tests.factories import MemberFactory, UserFactory
from tests.membership_stripe import deliver, make_price

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


@pytest.fixture
def member(client):
    user = UserFactory(email="lan@example.test")
    member = MemberFactory(user=user, language="en")
    client.force_login(user)
    return member


@pytest.fixture
def price():
    return make_price()


def test_the_page_offers_the_live_prices_and_how_to_earn_it(client, member, price):
    make_price(name="Hidden", stripe_price_id="price_hidden", live=False)

    page = client.get(reverse("portal:membership"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Club monthly" in text and "Hidden" not in text
    assert 'data-testid="membership-progress"' in text
    assert 'data-testid="membership-test-mode"' in text  # no STRIPE_SECRET_KEY here


def test_join_creates_a_checkout_session_for_the_member_and_redirects_303(client, member, price, gateway):
    answer = client.post(reverse("portal:membership_join"), {"price": price.pk})

    assert answer.status_code == 303
    [(method, call)] = gateway.calls
    assert method == "checkout_session_create"
    assert answer["Location"] == (
        f"/portal/membership/test-checkout/?session=cs_test_00000001&price={price.stripe_price_id}")
    params = call["params"]
    assert params["mode"] == "subscription"
    assert params["line_items"] == [{"price": "price_club_monthly", "quantity": 1}]
    assert params["client_reference_id"] == str(member.pk)
    assert params["subscription_data"]["metadata"] == {"member_id": str(member.pk)}
    assert params["customer_email"] == "lan@example.test"
    assert call["success_url"].endswith(reverse("portal:membership_welcome"))
    assert not ClubMembership.objects.exists()  # only Stripe's event makes the membership


def test_join_refuses_a_price_not_on_offer_and_calls_nobody(client, member, gateway):
    hidden = make_price(live=False)

    answer = client.post(reverse("portal:membership_join"), {"price": hidden.pk})

    assert answer.status_code == 302 and answer["Location"] == reverse("portal:membership")
    assert gateway.calls == []


def test_a_paying_member_cannot_pay_twice(client, member, price, gateway, fake_stripe):
    for event in fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000):
        deliver(client, event)
    gateway.calls.clear()

    answer = client.post(reverse("portal:membership_join"), {"price": price.pk})

    assert answer.status_code == 302
    assert gateway.calls == []


def test_manage_opens_the_customer_portal_for_the_members_customer(client, member, price, gateway,
                                                                   fake_stripe):
    for event in fake_stripe.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000):
        deliver(client, event)
    customer = ClubMembership.objects.get().stripe_customer_id

    answer = client.post(reverse("portal:membership_manage"))

    assert answer.status_code == 303
    assert gateway.calls[-1] == ("portal_session_create", {
        "customer_id": customer, "return_url": "http://testserver" + reverse("portal:membership")})
    page = client.get(reverse("portal:membership")).content.decode()
    assert 'data-testid="membership-status-value">Active<' in page


def test_manage_without_a_paid_membership_calls_nobody(client, member, gateway):
    answer = client.post(reverse("portal:membership_manage"))

    assert answer.status_code == 302
    assert gateway.calls == []


def test_test_mode_checkout_plays_the_events_through_the_inbox(client, member, price, gateway):
    page = client.get(reverse("portal:membership_test_checkout") + f"?price={price.stripe_price_id}")
    assert 'data-testid="membership-test-pay"' in page.content.decode()

    answer = client.post(reverse("portal:membership_test_checkout"), {"price": price.stripe_price_id})

    assert answer.status_code == 302 and answer["Location"] == reverse("portal:membership_welcome")
    membership = ClubMembership.objects.get(member=member)
    assert (membership.source, membership.status) == ("paid", "active")
    assert StripeEventInbox.objects.count() == 4


def test_test_mode_pages_are_closed_when_stripe_is_configured(client, member, price, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_configured"  # the real SDK gateway; nothing is called here

    answer = client.post(reverse("portal:membership_test_checkout"), {"price": price.stripe_price_id})

    assert answer.status_code == 302 and answer["Location"] == reverse("portal:membership")
    assert not ClubMembership.objects.exists()


def test_the_pages_need_a_login(client):
    answer = client.get(reverse("portal:membership"))

    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_a_login_without_a_linked_line_is_sent_to_link_it(client, gateway):
    client.force_login(UserFactory(email="nobody@example.test"))

    answer = client.post(reverse("portal:membership_join"), {"price": 1})

    assert answer["Location"] == reverse("portal:link")
    assert gateway.calls == []
