"""The customer-class condition (the Viettel classes kept by the segment classification): who
matches each class and several, its exclude, its checks and text, one query to count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.audiences.blocks import condition_blocks
from campaigns.audiences.selectors import audience_count
from club.members.models import CustomerType
from club.profiles.models import MemberProfile
from club.profiles.segments.services import segments_classify
from tests.factories import MemberFactory

from .helpers import ON, audience, condition, members_of

pytestmark = pytest.mark.django_db
BLOCK = dict(condition_blocks())["customer_class"]


def profiled(*, consent=True, spend_12m=0, arrears=0, **fields):
    member = MemberFactory(consent_profiling=consent, **fields)
    MemberProfile.objects.create(member=member, as_of=ON, refreshed_at=timezone.now(),
                                 spend_12m=Decimal(spend_12m), arrears_episodes_12m=arrears)
    return member


@pytest.fixture
def world():
    members = {
        "big spender": profiled(spend_12m=30_000_000),
        "enterprise": profiled(customer_type=CustomerType.ENTERPRISE),
        "in arrears": profiled(arrears=3),
        "big and in arrears": profiled(spend_12m=50_000_000, arrears=2),
        "plain": profiled(spend_12m=1_000_000, arrears=1),
        "no consent": profiled(consent=False, spend_12m=90_000_000, arrears=5),
        "no profile": MemberFactory(customer_type=CustomerType.ENTERPRISE),
    }
    segments_classify(on=ON)  # fills the classes from the default thresholds
    return members


def classes(*keys, exclude=False):
    return audience(condition("customer_class", classes=list(keys), exclude=exclude))


def ids(world, *keys) -> set[int]:
    return {world[key].pk for key in keys}


def test_each_class_and_any_of_several(world):
    assert members_of(classes("large")) == ids(world, "big spender", "enterprise", "big and in arrears")
    assert members_of(classes("often_in_arrears")) == ids(world, "in arrears", "big and in arrears")
    assert members_of(classes("large", "often_in_arrears")) == ids(
        world, "big spender", "enterprise", "in arrears", "big and in arrears")


def test_exclude_keeps_those_without_a_class_or_profile(world):
    assert members_of(classes("large", exclude=True)) == ids(world, "in arrears", "plain", "no consent",
                                                              "no profile")


def test_counting_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert audience_count(audience=classes("often_in_arrears"), on=ON) == 2


def test_the_condition_needs_a_class_and_reads_in_words():
    assert BLOCK.value_errors({"classes": []}) != {}
    assert BLOCK.describe({"classes": ["large", "lost_to_competitor"]}) == (
        "Customer class is Large customer or Lost to a competitor")
