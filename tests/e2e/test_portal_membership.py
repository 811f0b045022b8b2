"""A subscriber starts a paid club membership in chromium: the membership page, "Pay and join",
the 303 to Stripe Checkout (answered here by a stand-in page: no test reaches the Internet),
then Stripe's signed events delivered to the webhook, and the membership shown as active."""

from __future__ import annotations

import urllib.request

import pytest

from club.membership.fake_stripe import FakeStripe, signed
from club.membership.gateway import RecordingGateway, stripe_gateway_override
from club.membership.models import ClubMembership
from tests.factories import MemberFactory, UserFactory
from tests.membership_stripe import WEBHOOK_SECRET, make_price

from .conftest import log_in

pytestmark = pytest.mark.e2e
CHECKOUT = "https://checkout.stripe.com/c/pay/{session_id}"


@pytest.fixture
def gateway(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = RecordingGateway(test_checkout_url=CHECKOUT, is_test_mode=False)
    stripe_gateway_override(fake)
    yield fake
    stripe_gateway_override(None)


def _post_webhook(base_url: str, event: dict) -> int:
    body, header = signed(event, secret=WEBHOOK_SECRET)
    request = urllib.request.Request(f"{base_url}/webhooks/stripe/", data=body, method="POST", headers={
        "Content-Type": "application/json", "Stripe-Signature": header})
    with urllib.request.urlopen(request, timeout=15) as answer:
        return answer.status


def test_a_subscriber_pays_for_the_club_and_sees_the_membership(page, shot, live_server, gateway):
    # given: a linked subscriber who reads English, and a monthly price on offer
    member = MemberFactory(user=UserFactory(email="minh.tran@example.test"), language="en")
    price = make_price(name="Club monthly", amount=99000)
    page.route("https://checkout.stripe.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<h1>Stripe Checkout (stand-in)</h1>"))
    log_in(page, "minh.tran@example.test", "/portal/membership/")
    assert "not a club member yet" in page.get_by_test_id("membership-status").inner_text()
    shot("1-membership-page")

    # when: paying and joining: the browser is sent to the Checkout session the gateway made
    page.get_by_test_id(f"membership-join-{price.pk}").click()
    page.wait_for_url("https://checkout.stripe.com/c/pay/cs_test_00000001")
    shot("2-stripe-checkout")
    [(method, call)] = gateway.calls
    assert (method, call["params"]["client_reference_id"]) == ("checkout_session_create", str(member.pk))

    # and: Stripe sends its signed events, which the real SDK verifies
    stripe_side = FakeStripe()
    statuses = [_post_webhook(live_server.url, event) for event in
                stripe_side.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)]

    # then: back in the portal, the membership is active
    assert statuses == [200, 200, 200, 200]
    page.goto("/portal/membership/welcome/")
    assert page.get_by_test_id("membership-welcome").inner_text() == "Your membership is active."
    page.goto("/portal/membership/")
    assert page.get_by_test_id("membership-status-value").inner_text() == "Active"
    assert ClubMembership.objects.get(member=member).source == "paid"
    shot("3-membership-active")
