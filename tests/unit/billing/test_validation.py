"""Validation of one raw event: pure, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rewards.billing.models import QuarantineReason as R
from rewards.billing.services.validation import EventParser, ParsedEvent, Refusal

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=ZONE)
PARSER = EventParser(quantum=Decimal(1), zone=ZONE, now=NOW)


def bill(**changes):
    event = {"event_id": "b-1", "kind": "bill_paid", "msisdn": "+84901234567", "amount": "120000",
             "period": "2026-10", "occurred_at": "2026-11-05T09:30:00+07:00"}
    event.update(changes)
    return {key: value for key, value in event.items() if value is not ...}


def refusal(raw) -> Refusal:
    result = PARSER.parse(raw, 7)
    assert isinstance(result, Refusal), result
    assert result.position == 7
    return result


def test_a_valid_bill_is_parsed_exactly():
    event = PARSER.parse(bill(), 0)
    assert isinstance(event, ParsedEvent)
    assert event.amount == Decimal("120000") and isinstance(event.amount, Decimal)
    assert event.period == dt.date(2026, 10, 1)
    assert event.month == dt.date(2026, 10, 1)  # a bill counts in its billing period
    assert event.occurred_at == dt.datetime(2026, 11, 5, 9, 30, tzinfo=ZONE)


def test_a_top_up_counts_in_the_local_month_it_happened():
    event = PARSER.parse({"event_id": "t-1", "kind": "top_up", "account_number": "ACC1", "amount": 50000,
                          "channel": "card", "occurred_at": "2026-10-31T18:30:00Z"}, 0)
    assert isinstance(event, ParsedEvent)
    assert event.month == dt.date(2026, 11, 1)  # 01:30 on 1 November in Hanoi
    assert event.account_number == "ACC1" and event.msisdn == ""


def test_a_naive_timestamp_is_the_operator_time_zone():
    event = PARSER.parse(bill(occurred_at="2026-11-05T09:30:00"), 0)
    assert event.occurred_at == dt.datetime(2026, 11, 5, 9, 30, tzinfo=ZONE)


def test_csv_style_empty_cells_are_absent_fields():
    event = PARSER.parse(bill(channel="", reverses="", data_mb=None), 0)
    assert isinstance(event, ParsedEvent)


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        pytest.param({"amount": "-5"}, R.BAD_AMOUNT, "amount: negative", id="negative-amount"),
        pytest.param({"amount": "12,5"}, R.BAD_AMOUNT, "amount: not a number", id="non-numeric"),
        pytest.param({"amount": "NaN"}, R.BAD_AMOUNT, "amount: not a number", id="nan"),
        pytest.param({"amount": True}, R.BAD_AMOUNT, "amount: not a number", id="boolean"),
        pytest.param({"amount": "100.5"}, R.BAD_AMOUNT, "more decimals", id="below-the-quantum"),
        pytest.param({"amount": ...}, R.MISSING_FIELD, "amount: missing", id="missing-amount"),
        pytest.param({"kind": "refund"}, R.UNKNOWN_KIND, "unknown kind 'refund'", id="unknown-kind"),
        pytest.param({"kind": ["bill_paid"]}, R.UNKNOWN_KIND, "unknown kind \"['bill_paid']\"",
                     id="kind-not-text"),
        pytest.param({"kind": ...}, R.MISSING_FIELD, "kind: missing", id="missing-kind"),
        pytest.param({"event_id": ...}, R.MISSING_FIELD, "event_id: missing", id="missing-id"),
        pytest.param({"event_id": "a b"}, R.BAD_EVENT_ID, "event_id: must be", id="bad-id"),
        pytest.param({"bonus": "1"}, R.UNKNOWN_FIELD, "unknown field(s) for bill_paid: bonus",
                     id="unknown-field"),
        pytest.param({"channel": "card"}, R.UNKNOWN_FIELD, "channel", id="other-kinds-field"),
        pytest.param({"msisdn": "0901234567"}, R.BAD_MEMBER, "not an E.164", id="national-msisdn"),
        pytest.param({"msisdn": ...}, R.MISSING_FIELD, "msisdn or account_number", id="no-member"),
        pytest.param({"account_number": "A1"}, R.BAD_MEMBER, "not both", id="two-references"),
        pytest.param({"occurred_at": "yesterday"}, R.BAD_TIMESTAMP, "not an ISO 8601", id="bad-time"),
        pytest.param({"occurred_at": "2026-12-01T00:00:00+07:00"}, R.BAD_TIMESTAMP, "in the future",
                     id="future"),
        pytest.param({"occurred_at": ...}, R.MISSING_FIELD, "occurred_at: missing", id="no-time"),
        pytest.param({"period": "2026-13"}, R.BAD_TIMESTAMP, "period: expected YYYY-MM", id="bad-period"),
        pytest.param({"period": "2026-12"}, R.BAD_TIMESTAMP, "after the month", id="period-ahead"),
    ],
)
def test_a_bad_bill_is_refused_with_its_reason(changes, reason, message):
    result = refusal(bill(**changes))
    assert result.reason == reason
    assert any(message in text for text in result.messages), result.messages


def test_every_problem_is_reported_not_only_the_first():
    result = refusal(bill(amount="-1", period="13", occurred_at="soon"))
    assert result.reason == R.BAD_TIMESTAMP  # the first problem, in field order
    assert len(result.messages) == 3


def test_not_an_object_is_refused():
    assert refusal(["a", "list"]).reason == R.NOT_AN_OBJECT


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        pytest.param({"kind": "usage", "period": "2026-10"}, R.MISSING_FIELD, id="usage-without-quantities"),
        pytest.param({"kind": "usage", "period": "2026-10", "data_mb": "-1"}, R.BAD_QUANTITY,
                     id="negative-usage"),
        pytest.param({"kind": "usage", "period": "2026-10", "sms": "1.5"}, R.BAD_QUANTITY, id="fraction"),
        pytest.param({"kind": "status_change", "status": "gone"}, R.BAD_VALUE, id="unknown-status"),
        pytest.param({"kind": "status_change", "status": "active", "churn_reason": "lost_to_competitor"},
                     R.BAD_VALUE, id="churn-reason-when-active"),
        pytest.param({"kind": "plan_change", "plan_name": "Max", "payment_plan": "credit"}, R.BAD_VALUE,
                     id="unknown-payment-plan"),
        pytest.param({"kind": "reversal"}, R.MISSING_FIELD, id="reversal-without-original"),
        pytest.param({"kind": "reversal", "reverses": "e-1"}, R.BAD_REVERSAL, id="reverses-itself"),
    ],
)
def test_other_kinds_are_checked(event, reason):
    raw = {"event_id": "e-1", "msisdn": "+84901234567", "occurred_at": "2026-11-05T09:30:00+07:00", **event}
    assert refusal(raw).reason == reason


def test_a_churn_to_a_competitor_is_valid():
    event = PARSER.parse({"event_id": "s-1", "kind": "status_change", "msisdn": "+84901234567",
                          "status": "churned", "churn_reason": "lost_to_competitor",
                          "occurred_at": "2026-11-05T09:30:00+07:00"}, 0)
    assert isinstance(event, ParsedEvent)
    assert (event.status, event.churn_reason) == ("churned", "lost_to_competitor")


def test_quantities_from_csv_text_and_exact_json_decimals():
    event = PARSER.parse({"event_id": "u-1", "kind": "usage", "msisdn": "+84901234567", "period": "2026-10",
                          "data_mb": "2048", "voice_minutes": Decimal("30"), "sms": 4,
                          "occurred_at": "2026-11-05T09:30:00+07:00"}, 0)
    assert (event.data_mb, event.voice_minutes, event.sms) == (2048, 30, 4)


def test_two_decimal_currency_keeps_cents():
    parser = EventParser(quantum=Decimal("0.01"), zone=ZONE, now=NOW)
    assert parser.parse(bill(amount="12.50"), 0).amount == Decimal("12.50")
    assert isinstance(parser.parse(bill(amount="12.505"), 0), Refusal)
