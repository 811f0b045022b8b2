"""The r19 soak's Stripe check (tests/reliability/soak_checks.py) can fail: it sees an event of
a story that was never delivered, one recorded but never applied, a paid invoice without its
credit, and a membership behind Stripe's state (docs/soak.md)."""

from __future__ import annotations

import pytest

from club.membership.fake_stripe import FakeStripe
from club.membership.services import stripe_event_process, stripe_event_receive
from tests.factories import MemberFactory
from tests.membership_stripe import POINTS_PER_INVOICE, make_price
from tests.reliability.soak_checks import stripe_idempotent

pytestmark = pytest.mark.django_db


def test_the_soak_stripe_check_passes_a_whole_story_and_fails_a_half_applied_renewal():
    # given: a member's checkout, every event applied
    price, member, stripe_side = make_price(), MemberFactory(), FakeStripe()
    story = stripe_side.checkout(member_id=member.pk, price_id=price.stripe_price_id, amount=99000)
    for event in story:
        stripe_event_process(event=event)
    delivered = {event["id"] for event in story}
    assert stripe_idempotent({member.pk: story}, stripe_side, set(), delivered, POINTS_PER_INVOICE) == []

    # when: a renewal whose invoice is only recorded (no drain ran) and whose new period never came
    stripe_side.tick(3600)
    updated, paid = stripe_side.renew(story[0]["data"]["object"]["id"])
    story += [updated, paid]
    stripe_event_receive(event=paid)  # pending: in a test transaction nothing wakes a drain

    # then: each of the four shows
    found = stripe_idempotent(
        {member.pk: story}, stripe_side, set(), delivered | {paid["id"]}, POINTS_PER_INVOICE
    )
    expected = [
        "stripe: 1 members' stories not delivered whole",
        "idempotency: 1 memberships differ from Stripe's final state",
        f"idempotency: 1 paid invoices not credited exactly once with {POINTS_PER_INVOICE} points",
        "stripe: 1 inbox events still pending",
    ]
    assert len(found) == len(expected)
    assert all(line.startswith(start) for line, start in zip(found, expected, strict=True)), found
