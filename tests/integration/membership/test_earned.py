"""The earned membership: volume and tenure, evaluated in set-based chunks; paid memberships
that are live are never touched."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from club.membership.models import ClubMembership, MembershipSettings
from club.membership.services.earned import membership_earned_evaluate, membership_earned_evaluate_chunk
from club.membership.tasks import membership_earned_evaluate_nightly
from rewards.activity.models import MonthlyActivity
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def rules():
    MembershipSettings.objects.update_or_create(pk=MembershipSettings.load().pk, defaults=dict(
        earned_enabled=True, earn_min_rolling_spend=Decimal("3000000"), earn_min_tenure_years=2))


def member_with(*, spend: str, activated: dt.date):
    member = MemberFactory(activation_date=activated)
    MonthlyActivity.objects.create(member=member, month=dt.date(2026, 11, 1), spend=Decimal(spend))
    return member


def statuses() -> dict[int, tuple[str, str]]:
    return {m.member_id: (m.source, m.status) for m in ClubMembership.objects.all()}


def test_volume_and_tenure_both_needed():
    both = member_with(spend="3000000", activated=dt.date(2024, 12, 7))
    too_new = member_with(spend="9000000", activated=dt.date(2024, 12, 8))
    too_little = member_with(spend="2999999", activated=dt.date(2010, 1, 1))

    granted, lapsed = membership_earned_evaluate(on=ON)

    assert (granted, lapsed) == (1, 0)
    assert statuses() == {both.pk: ("earned", "active")}
    assert too_new.pk not in statuses() and too_little.pk not in statuses()


def test_a_member_who_no_longer_qualifies_lapses_and_comes_back_when_they_do():
    member = member_with(spend="5000000", activated=dt.date(2015, 1, 1))
    membership_earned_evaluate(on=ON)

    assert membership_earned_evaluate(on=dt.date(2027, 12, 31)) == (0, 1)  # the spend left the window
    assert statuses()[member.pk] == ("earned", "lapsed")
    MonthlyActivity.objects.create(member=member, month=dt.date(2027, 12, 1), spend=Decimal("4000000"))
    assert membership_earned_evaluate(on=dt.date(2027, 12, 31)) == (1, 0)
    assert statuses()[member.pk] == ("earned", "active")


def test_a_live_paid_membership_is_left_alone_and_an_ended_one_becomes_earned():
    paying = member_with(spend="5000000", activated=dt.date(2015, 1, 1))
    ended = member_with(spend="5000000", activated=dt.date(2015, 1, 1))
    ClubMembership.objects.create(member=paying, source="paid", status="past_due", stripe_customer_id="cus_1",
                                  stripe_subscription_id="sub_1", stripe_status="past_due")
    ClubMembership.objects.create(member=ended, source="paid", status="cancelled", stripe_customer_id="cus_2",
                                  stripe_subscription_id="sub_2", stripe_status="canceled")

    membership_earned_evaluate(on=ON)

    assert statuses() == {paying.pk: ("paid", "past_due"), ended.pk: ("earned", "active")}
    assert ClubMembership.objects.get(member=ended).stripe_customer_id == "cus_2"  # kept for a new checkout


def test_switched_off_every_earned_membership_lapses():
    member = member_with(spend="5000000", activated=dt.date(2015, 1, 1))
    membership_earned_evaluate(on=ON)
    MembershipSettings.objects.update(earned_enabled=False)

    assert membership_earned_evaluate(on=ON) == (0, 1)
    assert statuses()[member.pk] == ("earned", "lapsed")


def test_chunks_walk_the_members_by_id_with_a_fixed_number_of_queries(django_assert_num_queries):
    members = [member_with(spend="5000000", activated=dt.date(2015, 1, 1)) for _ in range(5)]

    with django_assert_num_queries(10):
        first = membership_earned_evaluate_chunk(on=ON, after_member_id=0, chunk_size=3)
    second = membership_earned_evaluate_chunk(on=ON, after_member_id=first.last_member_id, chunk_size=3)

    assert first.last_member_id == members[2].pk and first.granted == 3
    assert second.last_member_id is None and second.granted == 2
    assert len(statuses()) == 5


def test_the_nightly_task_runs_every_chunk(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    member_with(spend="5000000", activated=dt.date(2015, 1, 1))

    membership_earned_evaluate_nightly()

    assert list(statuses().values()) == [("earned", "active")]
