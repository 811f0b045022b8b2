"""The demo operator offers a paid membership price; loading it again creates nothing."""

import pytest

from club.membership.models import MembershipPrice
from cms.demo.membership import DEMO_PRICE_ID, demo_membership_load

pytestmark = pytest.mark.django_db


def test_the_demo_price_is_created_once_and_left_as_staff_edited_it():
    assert demo_membership_load() == 1
    MembershipPrice.objects.filter(stripe_price_id=DEMO_PRICE_ID).update(points_per_invoice=300)

    assert demo_membership_load() == 0
    price = MembershipPrice.objects.get()
    assert (price.live, price.interval, price.points_per_invoice) == (True, "month", 300)
