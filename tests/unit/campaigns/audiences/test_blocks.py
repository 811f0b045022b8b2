"""Condition blocks without a database: form errors, the text a marketer reads, and that
compiling an audience runs no query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError

from campaigns.audiences.blocks import condition_blocks, condition_filter, condition_text
from campaigns.audiences.models import Audience, Match
from campaigns.audiences.selectors import audience_filter

BLOCKS = dict(condition_blocks())
ON = dt.date(2026, 11, 24)


def value(kind: str, **fields):
    block = BLOCKS[kind]
    return block, block.to_python({"exclude": False, **fields})


def errors_of(kind: str, **fields) -> dict[str, list[str]]:
    block, struct = value(kind, **fields)
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(struct)
    error = caught.value
    found = {name: list(e.messages) for name, e in error.block_errors.items()}
    if error.non_block_errors:
        found[""] = [m for e in error.non_block_errors.as_data() for m in e.messages]
    return found


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        pytest.param("age", {"min_years": 30, "max_years": 25},
                     {"max_years": ["Must not be below the minimum (30)."]}, id="age-band-upside-down"),
        pytest.param("tenure", {"min_years": None, "max_years": None},
                     {"min_years": ["Give a minimum, a maximum or both."]}, id="tenure-without-bounds"),
        pytest.param("spend", {"min_spend": "5000000", "max_spend": "1000000"},
                     {"max_spend": ["Must not be below the minimum (5000000)."]}, id="spend-upside-down"),
        pytest.param("points_balance", {"min_points": None, "max_points": None},
                     {"min_points": ["Give a minimum, a maximum or both."]}, id="points-without-bounds"),
        pytest.param("birthday", {"days": 181},
                     {"days": ["Ensure this value is less than or equal to 180."]}, id="birthday-too-far"),
        pytest.param("redeemed_recently", {"days": 0},
                     {"days": ["Ensure this value is greater than or equal to 1."]}, id="redeemed-in-0-days"),
        pytest.param("points_expiring", {"days": 30, "min_points": 0},
                     {"min_points": ["Ensure this value is greater than or equal to 1."]},
                     id="expiring-0-points"),
        pytest.param("segment", {"segments": []}, {"segments": ["This field is required."]}, id="no-segment"),
        pytest.param("plan", {"payment_plans": [], "tariff_kinds": [], "plan_name": "  ",
                              "plan_name_match": "contains"},
                     {"": ["Fill in at least one of these."]}, id="empty-plan"),
    ],
)
def test_a_wrong_condition_is_refused_with_a_message_on_its_field(kind, fields, expected):
    assert errors_of(kind, **fields) == expected


def test_cross_field_rules_run_even_where_the_form_fields_allow_the_values():
    block = BLOCKS["points_expiring"]
    assert block.value_errors({"days": 400, "min_points": 1}) == {"days": "Must be between 0 and 365 days."}
    assert BLOCKS["birthday"].value_errors({"days": -1}) == {"days": "Must be between 0 and 180 days."}


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("age", {"min_years": 18, "max_years": 25}),
        ("spend", {"min_spend": "1000000", "max_spend": None}),
        ("birthday", {"days": 0}),
        ("segment", {"segments": ["vip", "devicers"]}),
        ("plan", {"payment_plans": ["prepaid"], "tariff_kinds": [], "plan_name": "",
                  "plan_name_match": "contains"}),
        ("consents", {"consents": ["marketing"], "state": "given"}),
    ],
)
def test_a_right_condition_is_kept(kind, fields):
    block, struct = value(kind, **fields)
    assert block.clean(struct)["exclude"] is False


@pytest.mark.parametrize(
    ("kind", "fields", "text"),
    [
        ("age", {"min_years": 18, "max_years": 25}, "Age 18 to 25 years"),
        ("tenure", {"min_years": 5, "max_years": None}, "Tenure at least 5 years"),
        ("spend", {"min_spend": None, "max_spend": Decimal(2_000_000)},
         "Spend in the last 12 months at most 2,000,000"),
        ("segment", {"segments": ["vip", "cost_cutters"]}, "Segment is VIP or Cost Cutters"),
        ("birthday", {"days": 0}, "Birthday today"),
        ("anniversary", {"days": 7}, "Activation anniversary today or in the next 7 days"),
        ("no_usage", {"days": 30}, "No usage for 30 days"),
        ("points_expiring", {"days": 30, "min_points": 500},
         "At least 500 points expiring today or in the next 30 days"),
        ("consents", {"consents": ["email", "sms"], "state": "withheld"}, "Consent not given: Email and SMS"),
        ("plan", {"payment_plans": ["prepaid"], "tariff_kinds": [], "plan_name": "Max",
                  "plan_name_match": "equals"}, 'Plan: Prepaid, plan name is "Max"'),
    ],
)
def test_each_condition_reads_as_a_sentence(kind, fields, text):
    block, struct = value(kind, **fields)
    assert condition_text(block, struct) == text


def test_an_excluded_condition_reads_as_its_negation_and_compiles_to_it():
    block, struct = value("segment", segments=["vip"])
    struct["exclude"] = True
    assert condition_text(block, struct) == "Not: Segment is VIP"
    assert condition_filter(block, struct, on=ON) == ~block.member_filter(struct, on=ON)


def test_compiling_an_audience_of_every_kind_runs_no_query():
    """Unit tests have no database: any query here would fail the test."""
    conditions = [
        ("tier", {"tiers": ["1"]}), ("interests", {"interests": ["2"]}), ("region", {"regions": ["Hà Nội"]}),
        ("language", {"languages": ["vi"]}), ("spend", {"min_spend": "1"}),
        ("points_balance", {"max_points": 5}),
        ("redeemed_recently", {"days": 3}), ("no_usage", {"days": 3}), ("birthday", {"days": 3}),
        ("anniversary", {"days": 3}), ("tier_change", {"direction": "either", "days": 3, "to_tiers": ["1"]}),
        ("points_expiring", {"days": 3, "min_points": 10}),
    ]
    audience = Audience(name="Everything", match=Match.ANY, conditions=[
        (kind, BLOCKS[kind].to_python({"exclude": False, **fields})) for kind, fields in conditions
    ])
    compiled = audience_filter(audience=audience, on=ON)
    assert len(compiled.children) == 2  # the population, and the conditions joined
    assert str(audience.conditions[0].value["tiers"]) == "['1']"


def test_no_condition_is_every_active_member():
    assert audience_filter(audience=Audience(name="All"), on=ON).children == [("status", "active")]


SHIPPED_KINDS = {
    "tier", "segment", "customer_type", "plan", "region", "language", "age", "tenure", "interests",
    "consents", "spend", "points_balance", "redeemed_recently", "no_usage", "birthday", "anniversary",
    "tier_change", "points_expiring", "churn_risk", "customer_class",
}


def test_no_condition_kind_is_ever_removed():
    """Wagtail drops a stored block whose kind is gone, so an audience would silently lose that
    condition and widen (to every active member if it was the only one). Retire a kind by
    keeping its block and making it match nobody, never by removing it."""
    assert SHIPPED_KINDS <= set(BLOCKS)
