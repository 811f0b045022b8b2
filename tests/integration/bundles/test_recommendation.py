"""The recommender's service: the member's last full months of usage, the templates that suit
them and the add-on counts in, a sized and priced bundle out, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from club.members.models import Member
from rewards.activity.models import MonthlyActivity
from rewards.bundles.models import BundleAddonStats, BundleRecommenderSettings
from rewards.bundles.services import bundle_addon_stats_refresh, bundle_recommendation_for_member
from tests.factories import MemberFactory
from tests.integration.discounts.helpers import live_schedule

from .factories import component, template

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 20)
MB = 1024


def usage(member, months, data_gb, minutes=0, sms=0):
    for month in months:
        MonthlyActivity.objects.create(
            member=member, month=month, data_mb=round(data_gb * MB), voice_minutes=minutes, sms=sms,
            spend=Decimal(1_000_000),
        )


def full_months():
    return [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]


def test_the_bundle_is_sized_to_the_last_full_months_and_priced_with_the_discounts():
    # given: 8.3 GB, 100 min and 40 SMS a month in Aug-Oct, and a heavy November not yet over
    live_schedule(brackets=((1_000_000, "2"),), bands=((1, "1"),))
    member = MemberFactory(segment="")
    usage(member, full_months(), 8.3, 100, 40)
    usage(member, [dt.date(2026, 11, 1)], 90)
    everyday = template()

    found = bundle_recommendation_for_member(member_id=member.pk, on=ON)

    assert found.recommendation.template.id == everyday.pk
    assert found.recommendation.quantities == {"data-gb": 10, "voice-min": 120, "sms": 50}
    assert [(line.code, line.quantity) for line in found.quote.lines] == [
        ("data-gb", 10), ("voice-min", 120), ("sms", 50)
    ]
    # 100,000 + 60,000 + 15,000; best of 2% volume and 1% tenure
    assert (found.quote.list_price, found.quote.total) == (Decimal(175_000), Decimal(171_500))
    with translation.override("en"):
        assert found.recommendation.line("data-gb").reason.text == (
            "10 GB because you used 8.3 GB a month (with 20% to spare)."
        )


def test_the_marketers_headroom_and_months_are_used():
    member = MemberFactory()
    usage(member, [dt.date(2026, 10, 1)], 8)
    usage(member, [dt.date(2026, 9, 1)], 2)
    template()
    BundleRecommenderSettings.objects.update_or_create(defaults={"headroom_percent": 0, "usage_months": 1})

    found = bundle_recommendation_for_member(member_id=member.pk, on=ON)

    assert found.recommendation.quantities["data-gb"] == 8  # October only, no headroom


def test_the_service_reads_in_three_queries_once_the_reference_data_is_cached(django_assert_num_queries):
    member = MemberFactory()
    usage(member, full_months(), 3)
    template()
    bundle_recommendation_for_member(member_id=member.pk, on=ON)  # fills the reference cache

    # the member, the usage, the rolling spend
    with django_assert_num_queries(3):
        found = bundle_recommendation_for_member(member_id=member.pk, on=ON)
    assert found.recommendation.quantities["data-gb"] == 4


def test_nothing_is_recommended_without_a_member_or_a_suiting_template():
    member = MemberFactory(payment_plan="postpaid")
    assert bundle_recommendation_for_member(member_id=member.pk, on=ON) is None
    template(plan_fit="prepaid")
    assert bundle_recommendation_for_member(member_id=member.pk, on=ON) is None
    assert bundle_recommendation_for_member(member_id=0, on=ON) is None


def _telco_member(number: int, **services: str) -> Member:
    attributes = {"internet_service": "Fiber optic", "online_security": "No", "online_backup": "No"}
    attributes.update(services)
    return MemberFactory(account_number=f"TEL{number:05d}", plan_name="Two year", attributes=attributes)


def test_the_add_on_counts_come_from_the_members_and_switch_an_add_on_on():
    # given: 6 members with backup and security, 2 with security only, 2 without Internet
    for number in range(6):
        _telco_member(number, online_backup="Yes", online_security="Yes")
    for number in range(6, 8):
        _telco_member(number, online_security="Yes")
    for _ in range(2):
        MemberFactory(attributes={"online_security": "No internet service", "internet_service": "No"})
    result = bundle_addon_stats_refresh()

    stats = BundleAddonStats.objects.get(pk=result.stats_id)
    assert result.customers == 8
    assert stats.counts["feature"]["online_security"] == 8
    assert stats.counts["joint"]["online_backup"]["online_security"] == 6
    assert stats.counts["feature"]["plan:Two year"] == 8

    # when: a member with backup but not security gets a bundle with a security add-on
    component("streaming", addon_service="online_security")
    bundle = template(lines=(("data-gb", 1), ("streaming", 0)))
    member = _telco_member(99, online_backup="Yes")
    found = bundle_recommendation_for_member(member_id=member.pk, on=ON)

    # then: it is switched on, with the share of members with backup who have it
    assert found.recommendation.template.id == bundle.pk
    assert found.recommendation.quantities == {"data-gb": 1, "streaming": 1}
    reason = found.recommendation.line("streaming").reason
    # fewer than 20 members with backup: the evidence is the share of all members
    assert (reason.code, reason.value("percent")) == ("addon_suggested", 100)
    assert [score.service for score in found.recommendation.addons][0] == "online_security"


def test_the_nightly_task_refreshes_the_counts_and_keeps_the_last_thirty():
    from rewards.bundles.services.addon_stats import STATS_KEPT
    from rewards.bundles.tasks import bundle_addon_stats_refresh_nightly

    _telco_member(1, online_backup="Yes")
    for day in range(STATS_KEPT + 2):
        bundle_addon_stats_refresh(at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC) + dt.timedelta(days=day))

    assert bundle_addon_stats_refresh_nightly.apply().get() == 1
    assert BundleAddonStats.objects.count() == STATS_KEPT
    assert BundleAddonStats.objects.order_by("fitted_at").first().fitted_at == dt.datetime(
        2026, 10, 4, tzinfo=dt.UTC
    )


def test_with_the_member_usage_and_spend_in_hand_the_dashboard_reads_nothing(django_assert_num_queries):
    from rewards.bundles.recommend import Usage
    from rewards.bundles.services.recommendation import recommendation_for

    member = MemberFactory()
    template()
    recommendation_for(member=member, usage=Usage(months=3), on=ON, rolling_spend=Decimal(0))  # warm

    usage_in_hand = Usage(months=3, months_seen=3, data_gb=Decimal("8.3"))
    with django_assert_num_queries(0):
        found = recommendation_for(member=member, usage=usage_in_hand, on=ON, rolling_spend=Decimal(0))
    assert found.recommendation.quantities["data-gb"] == 10
