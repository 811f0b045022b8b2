"""The bundle recommender's pure core: sizing to usage (step, smallest, largest, no usage) and
the rules per segment, each choice with its reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from rewards.bundles.addons import AddonCounts, AddonProfile
from rewards.bundles.pricing import ComponentTerms, TemplateLine
from rewards.bundles.recommend import (
    MemberFacts,
    RecommenderTerms,
    TemplateOption,
    Usage,
    UsageMonth,
    bundle_recommend,
    quantity_round_up,
)

DATA = ComponentTerms("data-gb", "Mobile data", "GB", Decimal(10_000), 1, 100, 1, kind="data")
VOICE = ComponentTerms("voice-min", "Minutes", "min", Decimal(500), 0, 3000, 30, kind="voice")
SMS = ComponentTerms("sms", "SMS", "SMS", Decimal(300), 0, 1000, 10, kind="sms")
SECURITY = ComponentTerms(
    "security", "Online security", "month", Decimal(20_000), 0, 1, 1,
    kind="add_on", addon_service="online_security",
)
BACKUP = ComponentTerms(
    "backup", "Online backup", "month", Decimal(20_000), 0, 1, 1, kind="add_on", addon_service="online_backup"
)
CLOUD = ComponentTerms("cloud", "Cloud (partner)", "month", Decimal(25_000), 0, 1, 1, kind="partner")
MB = 1024


def option(number: int, *lines, **fields) -> TemplateOption:
    values = {"id": number, "code": f"t{number}", "name": f"T{number}", "lines": tuple(lines), **fields}
    return TemplateOption(**values)


EVERYDAY = option(1, TemplateLine(DATA, 5), TemplateLine(VOICE, 90), TemplateLine(SMS, 50))


def usage(data_gb=0.0, minutes=0, sms=0, months=3) -> Usage:
    rows = [
        UsageMonth(dt.date(2026, 8 + i, 1), round(data_gb * MB), minutes, sms) for i in range(months)
    ]
    return Usage.average(rows, months=3)


def member(segment="", plan="postpaid", services=()) -> MemberFacts:
    return MemberFacts(segment, plan, AddonProfile(frozenset(services), "Two year", "Fiber optic"))


def recommend(member_facts, used, templates=(EVERYDAY,), **kwargs):
    return bundle_recommend(member=member_facts, usage=used, templates=list(templates), **kwargs)


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        pytest.param(Decimal("0"), 1, id="below-the-smallest"),
        pytest.param(Decimal("1"), 1, id="the-smallest"),
        pytest.param(Decimal("1.01"), 2, id="just-above-rounds-up"),
        pytest.param(Decimal("9.96"), 10, id="rounds-up-to-the-step"),
        pytest.param(Decimal("100"), 100, id="the-largest"),
        pytest.param(Decimal("250"), 100, id="never-above-the-largest"),
    ],
)
def test_quantities_round_up_to_the_step_within_the_bounds(need, expected):
    assert quantity_round_up(DATA, need) == expected


@pytest.mark.parametrize(
    ("need", "expected"),
    [(Decimal(0), 0), (Decimal(1), 30), (Decimal(90), 90), (Decimal(91), 120), (Decimal(2999), 3000)],
)
def test_minutes_round_up_to_whole_steps_of_thirty(need, expected):
    assert quantity_round_up(VOICE, need) == expected


def test_data_is_sized_to_the_average_with_headroom_and_the_reason_says_so():
    # given 8.3 GB, 100 min and 40 SMS a month; 20% headroom
    found = recommend(member(), usage(8.3, 100, 40))

    # then 8.3 × 1.2 = 9.96 -> 10 GB; 120 min -> 120; 48 SMS -> 50
    assert found.quantities == {"data-gb": 10, "voice-min": 120, "sms": 50}
    data = found.line("data-gb")
    assert data.reason.code == "usage_sized"
    with translation.override("en"):
        assert data.reason.text == "10 GB because you used 8.3 GB a month (with 20% to spare)."
    assert found.covers_usage


def test_the_reason_is_rendered_in_the_readers_language_from_its_values():
    found = recommend(member(), usage(8.3))
    assert dict(found.line("data-gb").reason.values) == {
        "headroom": 20, "months": 3, "quantity": 10, "unit": "GB", "used": Decimal("8.3")
    }


def test_zero_usage_takes_the_smallest_quantities():
    found = recommend(member(), usage(0, 0, 0))
    assert found.quantities == {"data-gb": 1, "voice-min": 0, "sms": 0}
    assert {line.reason.code for line in found.lines} == {"usage_none"}


def test_no_usage_known_keeps_the_templates_defaults():
    found = recommend(member(), Usage.average([], months=3))
    assert found.quantities == {"data-gb": 5, "voice-min": 90, "sms": 50}
    assert {line.reason.code for line in found.lines} == {"usage_unknown"}


def test_small_usage_stays_at_the_smallest_quantity_and_says_why():
    found = recommend(member(), usage(0.5, 10, 5))
    assert found.quantities["data-gb"] == 1
    assert found.line("data-gb").reason.code == "usage_at_min"


def test_usage_above_the_largest_quantity_is_capped_and_flagged():
    found = recommend(member(), usage(150))
    assert found.quantities["data-gb"] == 100
    assert found.line("data-gb").reason.code == "usage_at_max"
    assert not found.covers_usage
    assert [r.code for r in found.reasons] == ["segment_suits", "usage_above_bundle"]


def test_the_average_is_over_the_months_with_usage():
    rows = [UsageMonth(dt.date(2026, 10, 1), 4 * MB, 0, 0), UsageMonth(dt.date(2026, 9, 1), 2 * MB, 0, 0)]
    assert Usage.average(rows, months=3).data_gb == Decimal(3)


CAPPED_PACK = option(
    2, TemplateLine(DATA, 2), TemplateLine(VOICE, 60), plan_fit="prepaid",
    monthly_spending_cap=Decimal(150_000), target_segments=("control_seekers",),
)


CAPPED_PACK_SMS = option(
    13, TemplateLine(DATA, 2), TemplateLine(VOICE, 60), TemplateLine(SMS, 50), plan_fit="prepaid",
    monthly_spending_cap=Decimal(150_000), target_segments=("control_seekers",),
)


def test_a_control_seeker_gets_the_prepaid_pack_with_a_spending_cap():
    found = recommend(member("control_seekers", "prepaid"), usage(3, 50), templates=(EVERYDAY, CAPPED_PACK))
    assert found.template.code == "t2"
    assert found.reasons[0].code == "segment_control"
    with translation.override("en"):
        assert found.reasons[0].text.startswith("A prepaid pack with a spending cap")
        assert "150,000" in found.reasons[0].text


def test_a_control_seeker_on_postpaid_cannot_get_a_prepaid_pack():
    found = recommend(member("control_seekers", "postpaid"), usage(3), templates=(CAPPED_PACK, EVERYDAY))
    assert found.template.code == "t1"


PROMISED = option(3, TemplateLine(DATA, 20), quality_promise="4G+ priority: at least 10 Mbit/s")


def test_a_performance_seeker_gets_the_quality_promise_and_more_data():
    found = recommend(member("performance_seekers"), usage(8.3), templates=(EVERYDAY, PROMISED))
    assert found.template.code == "t3"
    assert found.reasons[0].code == "segment_performance"
    # 8.3 × (1 + 20% + 30%) = 12.45 -> 13 GB, where anyone else gets 10
    assert found.quantities["data-gb"] == 13
    assert found.line("data-gb").reason.code == "usage_sized_fast"
    assert recommend(member(), usage(8.3), templates=(EVERYDAY, PROMISED)).quantities["data-gb"] == 10


def test_a_cost_cutter_gets_the_cheapest_bundle_that_covers_the_usage():
    up_to_5 = ComponentTerms("d5", "Data", "GB", Decimal(7_000), 1, 5, 1, kind="data")
    up_to_50 = ComponentTerms("d50", "Data", "GB", Decimal(8_000), 1, 50, 1, kind="data")
    small, cheap_data = option(4, TemplateLine(up_to_5, 1)), option(5, TemplateLine(up_to_50, 1))
    # 8 GB a month: the 5 GB bundle is cheaper per GB but cannot hold it
    found = recommend(member("cost_cutters"), usage(8), templates=(EVERYDAY, small, cheap_data))
    assert found.template.code == "t5"
    assert found.reasons[0].code == "segment_cheapest"
    assert dict(found.reasons[0].values) == {"count": 2}


def test_a_cost_cutter_gets_no_add_ons():
    with_addons = option(6, TemplateLine(DATA, 1), TemplateLine(SECURITY, 1), TemplateLine(CLOUD, 1))
    found = recommend(member("cost_cutters"), usage(1), templates=(with_addons,), addon_counts=_counts())
    assert found.quantities == {"data-gb": 2, "security": 0, "cloud": 0}
    assert found.line("security").reason.code == "addon_cost"


def test_others_get_the_bundle_made_for_their_segment_first():
    for_vip = option(7, TemplateLine(DATA, 30), target_segments=("vip",))
    found = recommend(member("vip"), usage(2), templates=(EVERYDAY, for_vip))
    assert found.template.code == "t7"
    assert found.reasons[0].code == "segment_made_for"


def test_no_suiting_template_recommends_nothing():
    assert recommend(member("vip"), usage(2), templates=(CAPPED_PACK,)) is None


def _counts() -> AddonCounts:
    # 100 members on a two-year plan: 60 have backup, 40 of those security too; 10 security only
    counts = AddonCounts()
    counts.add_group(
        size=100, plan="Two year", internet="Fiber optic",
        service_counts={"online_backup": 60, "online_security": 50},
        pair_counts={("online_backup", "online_security"): 40},
    )
    return counts


def test_an_add_on_members_like_this_one_have_is_switched_on_with_the_evidence():
    template = option(8, TemplateLine(DATA, 1), TemplateLine(SECURITY, 0), TemplateLine(BACKUP, 0))
    found = recommend(member(services=["online_backup"]), usage(1), templates=(template,),
                      addon_counts=_counts(), terms=RecommenderTerms(addon_suggestions=1))
    assert found.quantities == {"data-gb": 2, "security": 1, "backup": 0}
    assert found.line("backup").reason.code == "addon_held"
    security = found.line("security").reason
    assert security.code == "addon_suggested_with"
    with translation.override("en"):
        assert security.text == "Added: 67% of members with Online backup have Online security."


def test_add_ons_are_left_off_when_not_suggested_and_without_counts():
    template = option(9, TemplateLine(DATA, 1), TemplateLine(SECURITY, 1))
    found = recommend(member(), usage(1), templates=(template,))
    assert found.quantities["security"] == 0
    assert found.line("security").reason.code == "addon_not_suggested"
    assert found.addons == ()


def test_a_bundle_never_ends_up_empty():
    addons_only = option(10, TemplateLine(SECURITY, 1))
    found = recommend(member("cost_cutters"), usage(0), templates=(addons_only,))
    assert found.quantities == {"security": 1}


def test_a_capped_pack_never_costs_more_than_its_cap_and_says_what_gave_way():
    # 8 GB, 100 min, 40 SMS: 10 GB + 120 min + 50 SMS = 175,000 VND, over a 150,000 VND cap
    found = recommend(member("control_seekers", "prepaid"), usage(8, 100, 40), templates=(CAPPED_PACK_SMS,))

    # the dearest line gives way one step at a time: 7 GB + 120 min + 50 SMS = 145,000
    assert found.quantities == {"data-gb": 7, "voice-min": 120, "sms": 50}
    assert found.line("data-gb").reason.code == "capped"
    with translation.override("en"):
        assert found.line("data-gb").reason.text == (
            "7 GB, to keep the pack within its spending cap of 150,000 VND (you used 8 GB a month)."
        )
        assert found.reasons[-1].code == "usage_above_cap"
    assert found.line("voice-min").reason.code == "usage_sized"


def test_a_capped_pack_drops_the_add_ons_it_switched_on_first():
    pack = option(11, TemplateLine(DATA, 2), TemplateLine(SECURITY, 0), plan_fit="prepaid",
                  monthly_spending_cap=Decimal(60_000), target_segments=("control_seekers",))
    counts = AddonCounts()
    counts.add_group(size=10, plan="", internet="", service_counts={"online_security": 9}, pair_counts={})
    # 5 GB (50,000) + security (20,000) = 70,000 over 60,000: security goes, 5 GB stays
    found = recommend(member("control_seekers", "prepaid"), usage(4), templates=(pack,), addon_counts=counts)
    assert found.quantities == {"data-gb": 5, "security": 0}
    assert found.line("security").reason.code == "capped_extra"
    assert found.covers_usage


def test_the_smallest_quantities_stay_even_above_the_cap():
    pack = option(12, TemplateLine(DATA, 2), plan_fit="prepaid", monthly_spending_cap=Decimal(5_000))
    found = recommend(member("control_seekers", "prepaid"), usage(4), templates=(pack,))
    assert found.quantities == {"data-gb": 1}
