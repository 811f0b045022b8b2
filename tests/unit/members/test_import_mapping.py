"""The mapping format and its transforms (no database)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from club.members.services.importing import import_mapping_load, import_mapping_names
from club.members.services.importing_mapping import (
    FieldRule,
    MappingInvalid,
    ValueInvalid,
    mapping_parse,
    months_before,
    msisdn_from_account,
    rule_reader,
)

MINIMAL_FIELDS = {
    "account_number": {"column": "acct"},
    "msisdn": {"column": "phone"},
    "activation_date": {"column": "since"},
}


def test_shipped_mappings_load():
    assert import_mapping_names() == ["telco-customers", "troika-canonical"]
    telco = import_mapping_load("telco-customers")
    canonical = import_mapping_load("troika-canonical")
    assert telco.phone_region == "US"
    assert telco.fields["activation_date"].months_before == dt.date(2026, 11, 1)
    assert telco.source_columns[:3] == ["customerID", "tenure", "Dependents"]
    assert "billing_detail" in canonical.fields
    assert all(rule.column == target for target, rule in canonical.fields.items())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param([], "A mapping is a JSON object.", id="not-an-object"),
        pytest.param({"fields": MINIMAL_FIELDS, "colour": 1}, "Unknown mapping keys: colour.",
                     id="unknown-key"),
        pytest.param({"fields": {"account_number": {"column": "a"}}},
                     "fields: msisdn, activation_date must be mapped.", id="required-missing"),
        pytest.param({"fields": {**MINIMAL_FIELDS, "password": {"column": "p"}}},
                     "fields.password: not an importable field", id="not-importable"),
        pytest.param({"fields": {**MINIMAL_FIELDS, "city": {"column": "c", "constant": "x"}}},
                     "fields.city: give exactly one of 'column', 'constant' or 'derive'.",
                     id="two-sources"),
        pytest.param({"fields": {**MINIMAL_FIELDS, "activation_date": {
                          "column": "t", "months_before": "1 Nov 2026"}}},
                     "fields.activation_date: months_before is an as-of date, YYYY-MM-DD.",
                     id="bad-as-of"),
        pytest.param({"fields": {**MINIMAL_FIELDS, "churn_reason": {"column": "r"}}},
                     "fields: churn_reason needs status mapped too.", id="churn-reason-alone"),
        pytest.param({"fields": MINIMAL_FIELDS, "phone_region": "XX"},
                     "phone_region 'XX' is not a region code such as 'US'.", id="bad-region"),
        pytest.param({"fields": MINIMAL_FIELDS, "attributes": {"x": {"column": "x", "type": "float"}}},
                     "attributes.x: type is one of str, int, decimal, bool.", id="bad-attribute-type"),
        pytest.param({"fields": {**MINIMAL_FIELDS, "msisdn": {"derive": "random", "column": "a"}}},
                     "fields.msisdn: derive is one of msisdn_from_account.", id="unknown-derivation"),
    ],
)
def test_invalid_mappings_are_refused_with_the_place_named(data, message):
    with pytest.raises(MappingInvalid) as raised:
        mapping_parse(data=data)

    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    ("as_of", "months", "expected"),
    [
        pytest.param(dt.date(2026, 11, 1), 0, dt.date(2026, 11, 1), id="zero"),
        pytest.param(dt.date(2026, 11, 1), 1, dt.date(2026, 10, 1), id="one"),
        pytest.param(dt.date(2026, 11, 1), 72, dt.date(2020, 11, 1), id="six-years"),
        pytest.param(dt.date(2026, 11, 1), 11, dt.date(2025, 12, 1), id="across-new-year"),
        pytest.param(dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28), id="clamped-to-february"),
        pytest.param(dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29), id="leap-february"),
    ],
)
def test_months_before(as_of, months, expected):
    assert months_before(as_of=as_of, months=months) == expected


def test_derived_msisdn_is_stable_distinct_and_nanp_shaped():
    first = msisdn_from_account("7590-VHVEG")

    assert first == msisdn_from_account("7590-VHVEG")
    assert first != msisdn_from_account("5575-GNVDE")
    assert re.fullmatch(r"\+1[2-9]\d{2}[2-9]\d{6}", first)
    numbers = {msisdn_from_account(f"ACC-{index}") for index in range(5000)}
    assert len(numbers) == 5000
    assert all(re.fullmatch(r"\+1[2-9]\d{2}[2-9]\d{6}", number) for number in numbers)


def _read(rule: FieldRule, value: str) -> str:
    return rule_reader(rule)({"col": value})


def test_value_map_with_default_is_an_else():
    rule = FieldRule(target="customer_type", column="col", value_map={"Yes": "household"},
                     default="individual")

    assert _read(rule, "Yes") == "household"
    assert _read(rule, "No") == "individual"
    assert _read(rule, " Yes ") == "household"


def test_value_map_without_default_refuses_unknown_values():
    rule = FieldRule(target="status", column="col", value_map={"Yes": "churned", "No": "active"})

    with pytest.raises(ValueInvalid, match=r"^'Maybe' is not one of the mapped values \('Yes', 'No'\)$"):
        _read(rule, "Maybe")
    with pytest.raises(ValueInvalid, match=r"^blank is not one of the mapped values"):
        _read(rule, "")


def test_months_before_rule_turns_tenure_into_a_date():
    rule = FieldRule(target="activation_date", column="col", months_before=dt.date(2026, 11, 1))

    assert _read(rule, "34") == "2024-01-01"
    with pytest.raises(ValueInvalid, match=r"^'3.5' is not a whole number of months$"):
        _read(rule, "3.5")
    with pytest.raises(ValueInvalid, match=r"^'-2' months is negative$"):
        _read(rule, "-2")


def test_constant_ignores_the_record():
    rule = FieldRule(target="region", constant="California")

    assert rule_reader(rule)({"region": "Texas"}) == "California"
