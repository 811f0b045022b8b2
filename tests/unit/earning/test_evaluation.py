"""Earning rules as pure functions: exact points for every way a rule can apply."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rewards.earning.evaluation import (
    EarningEvent,
    MemberContext,
    MultiplierSpec,
    RuleSpec,
    anniversary_years,
    evaluate_event,
    evaluate_events,
    period_start,
)
from rewards.earning.reasons import award_reason

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = dt.datetime(2026, 6, 15, 10, 0, tzinfo=HCM)  # a Monday
MEMBER = MemberContext(1, "individual", "", dt.date(2020, 6, 15))
GOLD_VIP = MemberContext(2, "enterprise", "vip", dt.date(2020, 6, 15), "gold", "Gold", Decimal("1.5"))
BILL_RULE = RuleSpec(
    id=10, name="Bill points", event_kind="bill_paid", amount_points=1, amount_step=Decimal(10_000)
)


def bill(amount, *, event_id="e1", member_id=1, at=AT) -> EarningEvent:
    return EarningEvent(event_id, member_id, "bill_paid", at, amount=Decimal(amount))


def usage(*, data_mb=0, voice_minutes=0, sms=0) -> EarningEvent:
    return EarningEvent("u1", 1, "usage", AT, data_mb=data_mb, voice_minutes=voice_minutes, sms=sms)


@pytest.mark.parametrize(
    ("amount", "points", "step", "expected"),
    [
        ("450000", 1, 10_000, 45),
        ("459999", 1, 10_000, 45),
        ("9999", 1, 10_000, 0),
        ("10000", 1, 10_000, 1),
        ("15000", 3, 10_000, 3),  # whole steps only: one step of 10,000
        ("0", 1, 10_000, 0),
        ("-50000", 1, 10_000, 0),
    ],
    ids=["whole-steps", "rounds-down", "below-one-step", "exactly-one-step", "points-per-whole-step",
         "zero", "negative-earns-nothing"],
)
def test_points_per_currency_step_round_down(amount, points, step, expected):
    rule = RuleSpec(id=1, name="r", event_kind="bill_paid", amount_points=points, amount_step=Decimal(step))

    assert evaluate_event(bill(amount), MEMBER, [rule], {}).points == expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (usage(data_mb=1_250), 24),  # 12 steps of 100 MB x 2
        (usage(voice_minutes=37), 7),  # 7 steps of 5 minutes x 1
        (usage(sms=25), 2),  # 2 steps of 10 SMS x 1
        (usage(data_mb=99, voice_minutes=4, sms=9), 0),
        (usage(data_mb=1_250, voice_minutes=37, sms=25), 33),
    ],
    ids=["data", "voice", "sms", "each-below-one-step", "all-three-add-up"],
)
def test_points_per_usage_unit(event, expected):
    rule = RuleSpec(id=1, name="Usage", event_kind="usage", data_points=2, data_step_mb=100,
                    voice_points=1, voice_step_minutes=5, sms_points=1, sms_step=10)

    assert evaluate_event(event, MEMBER, [rule], {}).points == expected


def test_a_rule_applies_only_to_its_event_kind():
    top_up = EarningEvent("t1", 1, "top_up", AT, amount=Decimal(100_000))

    assert evaluate_event(top_up, MEMBER, [BILL_RULE], {}).points == 0


@pytest.mark.parametrize(
    ("rule_changes", "member", "expected_points", "expected_labels"),
    [
        ({}, GOLD_VIP, 67, ("Gold ×1.5",)),  # 45 x 1.5 = 67.5
        ({"apply_tier_multiplier": False}, GOLD_VIP, 45, ()),
        ({"multipliers": (MultiplierSpec("segment", "vip", Decimal(2), "VIP"),)}, GOLD_VIP, 135,
         ("Gold ×1.5", "VIP ×2")),
        ({"multipliers": (MultiplierSpec("segment", "vip", Decimal(2), "VIP"),
                          MultiplierSpec("customer_type", "enterprise", Decimal("1.1"), "Enterprise"))},
         GOLD_VIP, 148, ("Gold ×1.5", "VIP ×2", "Enterprise ×1.1")),  # 45 x 3.3 = 148.5
        ({"multipliers": (MultiplierSpec("tier", "gold", Decimal("1.2"), "gold"),)}, GOLD_VIP, 81,
         ("Gold ×1.5", "gold ×1.2")),  # 45 x 1.8 = 81
        ({"multipliers": (MultiplierSpec("segment", "vip", Decimal(2), "VIP"),)}, MEMBER, 45, ()),
        ({"multipliers": (MultiplierSpec("segment", "vip", Decimal(2), "VIP"),
                          MultiplierSpec("segment", "vip", Decimal(3), "VIP"))}, GOLD_VIP, 202,
         ("Gold ×1.5", "VIP ×3")),  # the best row of a dimension: 45 x 4.5 = 202.5
    ],
    ids=["tier-multiplier", "rule-opts-out-of-tier", "tier-times-segment",
         "tier-segment-customer-type", "rule-tier-row-times-tier-benefit", "no-matching-row",
         "best-row-per-dimension"],
)
def test_multipliers_stack_with_the_tier_multiplier_and_round_down_once(
    rule_changes, member, expected_points, expected_labels
):
    rule = RuleSpec(**{**BILL_RULE.__dict__, **rule_changes})

    award = evaluate_event(bill(450_000, member_id=member.member_id), member, [rule], {})

    assert award.points == expected_points
    assert award.lines[0].multiplier_labels == expected_labels


STACK_A = RuleSpec(id=1, name="A", event_kind="bill_paid", amount_points=1, stacking="additive")
STACK_B = RuleSpec(id=2, name="B", event_kind="bill_paid", amount_points=2, stacking="additive")
BEST_C = RuleSpec(id=3, name="C", event_kind="bill_paid", amount_points=3, stacking="best_of")
BEST_D = RuleSpec(id=4, name="D", event_kind="bill_paid", amount_points=5, stacking="best_of")
BEST_E = RuleSpec(id=5, name="E", event_kind="bill_paid", amount_points=5, stacking="best_of", priority=9)


@pytest.mark.parametrize(
    ("rules", "expected_points", "expected_rule_ids"),
    [
        ([STACK_A, STACK_B], 30, (1, 2)),
        ([BEST_C, BEST_D], 50, (4,)),
        ([STACK_A, BEST_C, BEST_D], 60, (1, 4)),
        ([BEST_D, BEST_E], 50, (5,)),  # a tie goes to the higher priority
        ([BEST_D, RuleSpec(**{**BEST_D.__dict__, "id": 9})], 50, (4,)),  # then to the lower id
    ],
    ids=["additive-sum", "best-of-takes-the-best", "additive-plus-best-of", "tie-higher-priority",
         "tie-lower-id"],
)
def test_stacking_best_of_and_additive(rules, expected_points, expected_rule_ids):
    award = evaluate_event(bill(100_000), MEMBER, rules, {})

    assert award.points == expected_points
    assert tuple(line.rule_id for line in award.lines) == expected_rule_ids


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "expected"),
    [
        (None, None, 10),
        (AT, None, 10),
        (AT + dt.timedelta(seconds=1), None, 0),
        (None, AT, 0),  # valid_until is exclusive
        (None, AT + dt.timedelta(seconds=1), 10),
        (AT - dt.timedelta(days=1), AT + dt.timedelta(days=1), 10),
    ],
    ids=["always", "starts-at-event", "starts-after-event", "ended-at-event", "ends-after-event",
         "window-around-event"],
)
def test_validity_dates(valid_from, valid_until, expected):
    rule = RuleSpec(**{**BILL_RULE.__dict__, "valid_from": valid_from, "valid_until": valid_until})

    assert evaluate_event(bill(100_000), MEMBER, [rule], {}).points == expected


@pytest.mark.parametrize(
    ("period", "day", "expected"),
    [
        ("day", dt.date(2026, 6, 17), dt.date(2026, 6, 17)),
        ("week", dt.date(2026, 6, 17), dt.date(2026, 6, 15)),
        ("week", dt.date(2026, 6, 21), dt.date(2026, 6, 15)),
        ("month", dt.date(2026, 6, 17), dt.date(2026, 6, 1)),
        ("year", dt.date(2026, 6, 17), dt.date(2026, 1, 1)),
    ],
    ids=["day", "week-wednesday", "week-sunday", "month", "year"],
)
def test_cap_period_starts(period, day, expected):
    assert period_start(period, day) == expected


CAPPED = RuleSpec(
    id=7, name="Capped", event_kind="bill_paid", amount_points=1, cap_points=100, cap_period="day"
)


def test_a_cap_clips_one_event_to_what_is_left_in_the_period():
    award = evaluate_event(bill(450_000), MEMBER, [CAPPED], {(7, AT.date()): 80})

    assert (award.points, award.lines[0].uncapped_points, award.lines[0].is_capped) == (20, 45, True)
    assert award.counted == (((7, AT.date()), 20),)


def test_caps_clip_across_several_events_of_the_same_member_and_reset_next_period():
    events = [
        bill(450_000, event_id="a"),  # 45
        bill(450_000, event_id="b", at=AT + dt.timedelta(hours=1)),  # 45 -> 90
        bill(450_000, event_id="c", at=AT + dt.timedelta(hours=2)),  # 10 left
        bill(450_000, event_id="d", at=AT + dt.timedelta(hours=3)),  # cap reached
        bill(450_000, event_id="e", at=AT + dt.timedelta(days=1)),  # a new day
        bill(450_000, event_id="x", member_id=2),  # another member has a cap of their own
    ]
    members = {1: MEMBER, 2: MemberContext(2, "individual", "", dt.date(2020, 1, 1))}

    awards = evaluate_events(list(reversed(events)), members, [CAPPED], {})

    assert [(award.event_id, award.points) for award in awards] == [
        ("a", 45), ("x", 45), ("b", 45), ("c", 10), ("d", 0), ("e", 45)
    ]
    assert awards[4].capped_out_rule_ids == (7,)


def test_a_capped_best_of_rule_loses_to_an_uncapped_one():
    capped_best = RuleSpec(**{**CAPPED.__dict__, "amount_points": 5, "stacking": "best_of"})
    plain_best = RuleSpec(id=8, name="Plain", event_kind="bill_paid", amount_points=2, stacking="best_of")

    award = evaluate_event(bill(450_000), MEMBER, [capped_best, plain_best], {(7, AT.date()): 95})

    assert (award.points, award.lines[0].rule_id, award.counted) == (90, 8, ())


def test_events_of_unknown_members_earn_nothing():
    assert evaluate_events([bill(450_000, member_id=99)], {1: MEMBER}, [BILL_RULE], {}) == []


@pytest.mark.parametrize(
    ("activation", "on", "expected"),
    [
        (dt.date(2020, 6, 15), dt.date(2026, 6, 15), 6),
        (dt.date(2020, 6, 15), dt.date(2026, 6, 16), 0),
        (dt.date(2026, 6, 15), dt.date(2026, 6, 15), 0),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), 1),
        (dt.date(2024, 2, 29), dt.date(2028, 2, 29), 4),
        (dt.date(2024, 2, 29), dt.date(2028, 2, 28), 0),
    ],
    ids=["sixth-anniversary", "day-after", "activation-day", "leap-day-in-common-year",
         "leap-day-in-leap-year", "feb-28-in-leap-year"],
)
def test_anniversary_years(activation, on, expected):
    assert anniversary_years(activation, on) == expected


@pytest.mark.parametrize(
    ("scales", "expected"), [(False, 500), (True, 3000)], ids=["flat-bonus", "scaled-by-years"]
)
def test_anniversary_bonus(scales, expected):
    rule = RuleSpec(id=1, name="Anniversary", event_kind="anniversary", anniversary_points=500,
                    anniversary_scales_with_years=scales, apply_tier_multiplier=False)
    event = EarningEvent("anniv", 1, "anniversary", AT)

    assert evaluate_event(event, MEMBER, [rule], {}).points == expected


@pytest.mark.parametrize(
    ("event", "rules", "member", "expected"),
    [
        (bill(450_000), [BILL_RULE], GOLD_VIP, "Bill paid 450,000 VND: 67 pts (Gold ×1.5)"),
        (bill(450_000), [BILL_RULE], MEMBER, "Bill paid 450,000 VND: 45 pts"),
        (bill(450_000), [STACK_A, BEST_C], MEMBER, "Bill paid 450,000 VND: 180 pts (A 45; C 135)"),
        (usage(data_mb=1_250, sms=3), [RuleSpec(id=1, name="U", event_kind="usage", data_points=1)], MEMBER,
         "Usage 1,250 MB, 3 SMS: 12 pts"),
    ],
    ids=["bill-gold", "bill-plain", "two-rules", "usage"],
)
def test_award_reasons_are_readable(event, rules, member, expected):
    award = evaluate_event(event, member, rules, {})

    assert award_reason(event, award) == expected
