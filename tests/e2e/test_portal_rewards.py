"""A subscriber redeems a reward and cancels it inside the window, in chromium: the catalogue,
the confirmation, the receipt, "My rewards" and the points statement."""

from __future__ import annotations

import pytest

from rewards.ledger.selectors import points_balance
from tests.factories import MemberFactory, UserFactory
from tests.integration.catalogue.factories import RewardFactory, give_points

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_subscriber_redeems_a_data_pack_then_cancels_it(page, shot):
    # given: a linked subscriber with 100 points who reads English, and a 60-point data pack
    member = MemberFactory(user=UserFactory(email="hoa.pham@example.test"), language="en")
    give_points(member, 100)
    RewardFactory(name="2 GB data pack", points_cost=60)
    log_in(page, "hoa.pham@example.test", "/portal/rewards/")
    assert page.get_by_test_id("rewards-balance").inner_text() == "You have 100 points to spend."
    shot("1-catalogue")

    # when: redeeming it, through the confirmation
    page.get_by_test_id("reward").filter(has_text="2 GB data pack").get_by_role("link", name="Redeem").click()
    assert page.get_by_test_id("confirm-after").inner_text() == "40"
    shot("2-confirm")
    page.get_by_role("button", name="Redeem for 60 points").click()

    # then: the receipt, and 40 points left
    page.get_by_test_id("receipt").wait_for()
    assert "2 GB data pack" in page.get_by_test_id("receipt").inner_text()
    assert points_balance(member_id=member.pk).available == 40
    shot("3-receipt")

    # when: cancelling it from "My rewards"
    page.goto("/portal/rewards/mine/")
    page.get_by_role("button", name="Cancel 2 GB data pack").click()

    # then: cancelled, the points are back, and the statement shows both movements
    page.get_by_test_id("redemption-state").filter(has_text="Cancelled").first.wait_for()
    assert points_balance(member_id=member.pk).available == 100
    shot("4-cancelled")
    page.goto("/portal/statement/")
    shot("5-statement")
