"""Manual overrides (win over the rules until cleared, with history) and the rule editor's
live count (equal to what the classification then writes)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from club.members.models import CustomerType, Member, PaymentPlan, Segment
from club.profiles.models import SegmentOverride, SegmentRuleSet
from club.profiles.segments.selectors import segment_live_count
from club.profiles.segments.services import (
    SegmentOverrideError,
    segment_override_clear,
    segment_override_set,
    segments_classify,
)
from tests.factories import StaffUserFactory

from .helpers import ON, member_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffUserFactory()


def test_an_override_wins_over_the_rules_until_cleared(staff):
    member = member_with_profile(profile={"spend_12m": Decimal("30000000")})
    segments_classify(member_ids=[member.pk], on=ON)

    segment_override_set(member_id=member.pk, segment=Segment.COST_CUTTERS, reason="Asked for basics only",
                         staff_user=staff)
    segments_classify(on=ON)  # the nightly run keeps the override
    member.refresh_from_db()
    assert member.segment == Segment.COST_CUTTERS
    assert member.profile.segment_computed == Segment.VIP

    assert segment_override_clear(member_id=member.pk, staff_user=staff) is True
    member.refresh_from_db()
    assert member.segment == Segment.VIP
    history = list(SegmentOverride.objects.filter(member=member))
    assert len(history) == 1 and history[0].cleared_at is not None and history[0].cleared_by == staff


def test_a_new_override_clears_the_previous_one_and_keeps_both(staff):
    member = member_with_profile()
    segment_override_set(member_id=member.pk, segment=Segment.VIP, reason="one", staff_user=staff)
    segment_override_set(member_id=member.pk, segment=Segment.DEVICERS, reason="two", staff_user=staff)

    rows = list(SegmentOverride.objects.filter(member=member).order_by("pk").values_list(
        "segment", "reason", "cleared_at"))
    assert [(s, r, c is None) for s, r, c in rows] == [
        (Segment.VIP, "one", False), (Segment.DEVICERS, "two", True)]
    assert Member.objects.get(pk=member.pk).segment == Segment.DEVICERS


def test_an_override_applies_without_profiling_consent(staff):
    member = member_with_profile(consent=False, no_profile=True)
    segment_override_set(member_id=member.pk, segment=Segment.VIP, reason="Key account", staff_user=staff)

    segments_classify(on=ON)

    assert Member.objects.get(pk=member.pk).segment == Segment.VIP
    segment_override_clear(member_id=member.pk, staff_user=staff)
    assert Member.objects.get(pk=member.pk).segment == ""


@pytest.mark.parametrize(("segment", "reason", "field"), [
    pytest.param("", "why", "segment", id="no-segment"),
    pytest.param("gold", "why", "segment", id="unknown-segment"),
    pytest.param(Segment.VIP, "   ", "reason", id="no-reason"),
    pytest.param(Segment.VIP, "x" * 1001, "reason", id="reason-too-long"),
])
def test_a_bad_override_is_refused_and_changes_nothing(staff, segment, reason, field):
    member = member_with_profile(segment=Segment.COST_CUTTERS)

    with pytest.raises(SegmentOverrideError) as refused:
        segment_override_set(member_id=member.pk, segment=segment, reason=reason, staff_user=staff)

    assert field in refused.value.message_dict
    assert not SegmentOverride.objects.exists()
    assert Member.objects.get(pk=member.pk).segment == Segment.COST_CUTTERS


def test_clearing_without_an_override_changes_nothing(staff):
    member = member_with_profile(segment=Segment.DEVICERS)
    assert segment_override_clear(member_id=member.pk, staff_user=staff) is False
    assert Member.objects.get(pk=member.pk).segment == Segment.DEVICERS


def test_the_database_refuses_two_active_overrides(staff):
    member = member_with_profile()
    SegmentOverride.objects.create(member=member, segment=Segment.VIP, reason="a", created_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        SegmentOverride.objects.create(member=member, segment=Segment.DEVICERS, reason="b", created_by=staff)


def _population(staff):
    """Members for every rule, the unclassified for every reason, and two overrides."""
    members = [
        member_with_profile(profile={"spend_12m": Decimal("13000000")}),
        member_with_profile(profile={"spend_12m": Decimal("8000000")}),
        member_with_profile(customer_type=CustomerType.ENTERPRISE, profile={"spend_12m": Decimal("7000000")}),
        member_with_profile(profile={"data_mb_3m": 60000}),
        member_with_profile(attributes={"device_protection": "Yes"}),
        member_with_profile(activation_date=ON - dt.timedelta(days=20)),
        member_with_profile(payment_plan=PaymentPlan.PREPAID,
                            profile={"top_ups_3m": 6, "top_up_amount_3m": Decimal("300000"),
                                     "mean_days_between_top_ups": Decimal("12")}),
        member_with_profile(profile={"spend_3m": Decimal("250000"), "data_mb_3m": 500}),
        member_with_profile(),
        member_with_profile(),
        member_with_profile(consent=False, profile={"spend_12m": Decimal("90000000")}),
        member_with_profile(no_profile=True),
    ]
    segment_override_set(member_id=members[8].pk, segment=Segment.CURIOUS_NOVICES, reason="r",
                         staff_user=staff)
    segment_override_set(member_id=members[0].pk, segment=Segment.DEVICERS, reason="r", staff_user=staff)
    return members


def test_the_live_count_is_what_the_classification_then_writes(staff):
    _population(staff)
    typed = SegmentRuleSet(vip_min_spend_12m=Decimal("7500000"),
                           control_max_days_between_top_ups=Decimal("12"))

    counts = segment_live_count(rules=typed, on=ON)
    typed.save()
    segments_classify(on=ON)

    written = Counter(Member.objects.values_list("segment", flat=True))
    assert {k: v for k, v in counts.effective.items() if v} == dict(written)
    assert counts.effective == {Segment.VIP: 2, Segment.DEVICERS: 2, Segment.PERFORMANCE_SEEKERS: 1,
                                Segment.CURIOUS_NOVICES: 2, Segment.CONTROL_SEEKERS: 1,
                                Segment.COST_CUTTERS: 1, "": 3}
    assert counts.by_rules[Segment.VIP] == 3  # the overridden VIP still counts by the rules
    assert (counts.members, counts.overridden) == (12, 2)
    assert (counts.no_consent, counts.no_profile, counts.no_rule_matched) == (1, 1, 1)


def test_the_live_count_follows_the_typed_thresholds(staff):
    _population(staff)

    stricter = segment_live_count(rules=SegmentRuleSet(vip_min_spend_12m=Decimal("20000000"),
                                                       vip_business_min_spend_12m=Decimal("20000000")), on=ON)
    looser = segment_live_count(rules=SegmentRuleSet(vip_min_spend_12m=Decimal("1000000")), on=ON)

    assert stricter.by_rules.get(Segment.VIP, 0) == 0
    assert looser.by_rules[Segment.VIP] == 10  # every consenting member with a profile spends >= 3.6M


def test_the_live_count_is_one_query(staff):
    _population(staff)
    with CaptureQueriesContext(connection) as captured:
        segment_live_count(rules=SegmentRuleSet(), on=ON)

    # Besides the one SELECT: a savepoint pair and, on PostgreSQL, the two SET LOCALs.
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    reads = [sql for sql in reads if "set_config" not in sql]
    assert len(reads) == 1 and "GROUP BY" in reads[0]


def test_an_erased_member_keeps_the_override_history_without_the_reasons(staff):
    from club.members.models import MemberErasure
    from club.members.services.privacy import member_erase

    member = member_with_profile()
    segment_override_set(member_id=member.pk, segment=Segment.VIP, reason="Told us about a divorce",
                         staff_user=staff)

    member_erase(member_id=member.pk, source=MemberErasure.Source.STAFF, erased_by=staff)

    override = SegmentOverride.objects.get(member=member)
    assert (override.reason, override.segment, override.created_by) == ("", Segment.VIP, staff)
