"""The segment rules on hand-built profiles: each segment, its boundaries, the priority order,
consent, the Viettel classes, and the set-based classification's writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.members.models import ChurnReason, CustomerType, Member, MemberStatus, PaymentPlan, Segment
from club.profiles.models import MemberProfile, SegmentRuleSet
from club.profiles.segments.services import segments_classify

from .helpers import ON, member_with_profile

pytestmark = pytest.mark.django_db

CONTROL = {"top_ups_3m": 9, "top_up_amount_3m": Decimal("900000"), "mean_days_between_top_ups": Decimal("10"),
           "spend_3m": Decimal("900000")}
COST = {"spend_3m": Decimal("300000"), "data_mb_3m": 6000, "data_mb_prev_3m": 6000}


def segment_of(member) -> str:
    segments_classify(member_ids=[member.pk], on=ON)
    member.refresh_from_db()
    return member.segment


CASES = [
    # VIP
    pytest.param({"profile": {"spend_12m": Decimal("12000000")}}, Segment.VIP, id="vip-at-threshold"),
    pytest.param({"profile": {"spend_12m": Decimal("11999999.99")}}, "", id="vip-just-below"),
    pytest.param({"customer_type": CustomerType.ENTERPRISE, "profile": {"spend_12m": Decimal("6000000")}},
                 Segment.VIP, id="vip-enterprise-lower-threshold"),
    pytest.param({"customer_type": CustomerType.GOVERNMENT, "profile": {"spend_12m": Decimal("5999999")}},
                 "", id="vip-government-below"),
    pytest.param({"profile": {"spend_12m": Decimal("6000000")}}, "", id="vip-individual-needs-full-spend"),
    # Performance Seekers: 15,000 MB a month (45,000 in 3 months), rising by 10 %
    pytest.param({"profile": {"data_mb_3m": 45000, "data_mb_prev_3m": 40909}}, Segment.PERFORMANCE_SEEKERS,
                 id="performance-rising-10pct"),
    pytest.param({"profile": {"data_mb_3m": 45000, "data_mb_prev_3m": 40910}}, "",
                 id="performance-not-rising-enough"),
    pytest.param({"profile": {"data_mb_3m": 44999, "data_mb_prev_3m": 0}}, "", id="performance-not-heavy"),
    # Devicers
    pytest.param({"attributes": {"device_protection": "Yes"}}, Segment.DEVICERS, id="devicer-add-on"),
    pytest.param({"attributes": {"device_protection": True}}, Segment.DEVICERS, id="devicer-add-on-bool"),
    pytest.param({"attributes": {"device_protection": "No"}}, "", id="devicer-add-on-no"),
    pytest.param({"plan_name": "Sao HANDSET 24"}, Segment.DEVICERS, id="devicer-plan-name"),
    # Curious Novices
    pytest.param({"activation_date": ON - relativedelta(months=6) + dt.timedelta(days=1)},
                 Segment.CURIOUS_NOVICES, id="novice-tenure-under-6-months"),
    pytest.param({"activation_date": ON - relativedelta(months=6)}, "", id="novice-tenure-6-months"),
    pytest.param({"profile": {"support_contacts_90d": 2, "data_mb_3m": 2999, "spend_3m": Decimal("400000")}},
                 Segment.CURIOUS_NOVICES, id="novice-low-usage-and-contacts"),
    pytest.param({"profile": {"support_contacts_90d": 1, "data_mb_3m": 2999, "spend_3m": Decimal("400000")}},
                 "", id="novice-one-contact"),
    pytest.param({"profile": {"support_contacts_90d": 5, "data_mb_3m": 3000}}, "", id="novice-usage-not-low"),
    # Control Seekers
    pytest.param({"payment_plan": PaymentPlan.PREPAID, "profile": CONTROL}, Segment.CONTROL_SEEKERS,
                 id="control-at-thresholds"),
    pytest.param({"payment_plan": PaymentPlan.POSTPAID, "profile": CONTROL}, "", id="control-postpaid"),
    pytest.param({"payment_plan": PaymentPlan.PREPAID,
                  "profile": {**CONTROL, "top_up_amount_3m": Decimal("900000.01")}}, "",
                 id="control-average-top-up-too-big"),
    pytest.param({"payment_plan": PaymentPlan.PREPAID,
                  "profile": {**CONTROL, "mean_days_between_top_ups": Decimal("10.01")}}, "",
                 id="control-too-rare"),
    pytest.param({"payment_plan": PaymentPlan.PREPAID,
                  "profile": {**CONTROL, "top_ups_3m": 1, "top_up_amount_3m": Decimal("50000"),
                              "mean_days_between_top_ups": None}}, "", id="control-one-top-up"),
    # Cost Cutters
    pytest.param({"profile": COST}, Segment.COST_CUTTERS, id="cost-at-thresholds"),
    pytest.param({"profile": {**COST, "data_mb_3m": 6001}}, "", id="cost-too-much-data"),
    pytest.param({"profile": {**COST, "spend_3m": Decimal("300000.01")}}, "", id="cost-spends-too-much"),
    # The priority order: the first matching rule wins
    pytest.param({"attributes": {"device_protection": "Yes"},
                  "profile": {"spend_12m": Decimal("20000000"), "data_mb_3m": 60000}}, Segment.VIP,
                 id="order-vip-before-performance-and-devicer"),
    pytest.param({"attributes": {"device_protection": "Yes"}, "activation_date": ON - dt.timedelta(days=10),
                  "profile": {"data_mb_3m": 60000}}, Segment.PERFORMANCE_SEEKERS,
                 id="order-performance-before-devicer-and-novice"),
    pytest.param({"plan_name": "Device 12", "activation_date": ON - dt.timedelta(days=10)}, Segment.DEVICERS,
                 id="order-devicer-before-novice"),
    pytest.param({"payment_plan": PaymentPlan.PREPAID, "activation_date": ON - dt.timedelta(days=30),
                  "profile": CONTROL}, Segment.CURIOUS_NOVICES, id="order-novice-before-control"),
    pytest.param({"payment_plan": PaymentPlan.PREPAID,
                  "profile": {**CONTROL, "spend_3m": Decimal("200000"), "data_mb_3m": 100}},
                 Segment.CONTROL_SEEKERS, id="order-control-before-cost"),
    # Consent and profile
    pytest.param({"consent": False, "profile": {"spend_12m": Decimal("50000000")}}, "", id="no-consent"),
    pytest.param({"no_profile": True, "segment": Segment.VIP}, "", id="no-profile-clears-old-label"),
]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_rules_give_the_segment(given, expected):
    member = member_with_profile(**given)

    assert segment_of(member) == expected
    if not given.get("no_profile"):
        assert MemberProfile.objects.get(member=member).segment_computed == expected


def test_thresholds_come_from_the_published_rule_set():
    member = member_with_profile(profile={"spend_12m": Decimal("5000000")})
    SegmentRuleSet.objects.create(vip_min_spend_12m=Decimal("5000000"))

    assert segment_of(member) == Segment.VIP


def test_a_draft_change_does_not_classify():
    member = member_with_profile(profile={"spend_12m": Decimal("5000000")})
    rules = SegmentRuleSet.objects.create()
    rules.vip_min_spend_12m = Decimal("5000000")
    rules.save_revision()  # a draft: the row keeps the published values

    assert segment_of(member) == ""


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param({"profile": {"spend_12m": Decimal("24000000")}}, {"is_large_customer"},
                     id="large-by-spend"),
        pytest.param({"profile": {"spend_12m": Decimal("23999999")}}, set(), id="not-large"),
        pytest.param({"customer_type": CustomerType.ENTERPRISE}, {"is_large_customer"},
                     id="large-enterprise"),
        pytest.param({"profile": {"arrears_episodes_12m": 2}}, {"is_often_in_arrears"},
                     id="often-in-arrears"),
        pytest.param({"profile": {"arrears_episodes_12m": 1}}, set(), id="once-in-arrears"),
        pytest.param({"status": MemberStatus.CHURNED, "churn_reason": ChurnReason.LOST_TO_COMPETITOR},
                     {"is_lost_to_competitor"}, id="lost-to-competitor"),
        pytest.param({"status": MemberStatus.CHURNED, "churn_reason": ChurnReason.NON_PAYMENT}, set(),
                     id="churned-for-non-payment"),
        pytest.param({"consent": False, "customer_type": CustomerType.ENTERPRISE,
                      "profile": {"arrears_episodes_12m": 5}}, set(), id="no-consent-no-class"),
    ],
)
def test_viettel_classes(given, expected):
    member = member_with_profile(**given)

    segments_classify(member_ids=[member.pk], on=ON)

    profile = MemberProfile.objects.get(member=member)
    flags = {"is_large_customer", "is_often_in_arrears", "is_lost_to_competitor"}
    assert {flag for flag in flags if getattr(profile, flag)} == expected


def test_withdrawn_consent_clears_what_was_computed():
    member = member_with_profile(profile={"spend_12m": Decimal("30000000")})
    assert segment_of(member) == Segment.VIP
    Member.objects.filter(pk=member.pk).update(consent_profiling=False)

    assert segment_of(member) == ""
    profile = MemberProfile.objects.get(member=member)
    assert (profile.segment_computed, profile.is_large_customer) == ("", False)


def test_only_changed_rows_are_written_and_a_rerun_writes_nothing():
    vip = member_with_profile(profile={"spend_12m": Decimal("30000000")})
    member_with_profile()  # no segment, nothing to change
    member_with_profile(consent=False)

    first = segments_classify(on=ON)
    second = segments_classify(on=ON)

    assert first == {"members": 3, "profiles_changed": 1, "segments_changed": 1}
    assert second == {"members": 3, "profiles_changed": 0, "segments_changed": 0}
    assert Member.objects.get(pk=vip.pk).segment == Segment.VIP


def _statements(member_ids) -> int:
    with CaptureQueriesContext(connection) as captured:
        segments_classify(member_ids=member_ids, on=ON)
    return len(captured.captured_queries)


def test_statements_do_not_grow_with_the_chunk():
    few = [member_with_profile(profile={"spend_12m": Decimal(i * 1_000_000)}).pk for i in range(3)]
    many = [member_with_profile(profile={"spend_12m": Decimal(i * 1_000_000)}).pk for i in range(40)]

    assert _statements(few) == _statements(many)
    assert _statements(many) <= 6  # the rule set, a savepoint pair, two UPDATEs (and SET LOCAL jit)


def test_members_in_several_chunks(monkeypatch):
    monkeypatch.setattr("club.profiles.segments.services.CHUNK_SIZE", 2)
    members = [member_with_profile(profile={"spend_12m": Decimal("30000000")}) for _ in range(5)]

    result = segments_classify(on=ON)

    assert result["members"] == 5 and result["segments_changed"] == 5
    assert set(Member.objects.filter(pk__in=[m.pk for m in members]).values_list("segment", flat=True)) == {
        Segment.VIP}
