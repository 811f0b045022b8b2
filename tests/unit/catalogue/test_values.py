"""Pure rules of the catalogue: reward values, limit periods, addresses, fingerprints, keys."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from rewards.catalogue.services.values import (
    DeliveryAddress,
    idempotency_key_problem,
    limit_period_start,
    request_fingerprint,
    reward_value_errors,
)

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NO_VALUES = dict(
    credit_amount=None,
    data_mb=None,
    voice_minutes=None,
    limit_count=None,
    limit_period="",
    valid_from=None,
    valid_until=None,
)


def errors(kind, **values):
    return reward_value_errors(kind=kind, **{**NO_VALUES, **values})


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        pytest.param("bill_credit", {"credit_amount": Decimal("50000")}, set(), id="credit-ok"),
        pytest.param("bill_credit", {}, {"credit_amount"}, id="credit-missing"),
        pytest.param(
            "bill_credit", {"credit_amount": Decimal("0.5")}, {"credit_amount"}, id="credit-below-quantum"
        ),
        pytest.param("data_pack", {"data_mb": 1024}, set(), id="data-ok"),
        pytest.param(
            "data_pack", {"data_mb": 1024, "voice_minutes": 5}, {"voice_minutes"}, id="data-with-minutes"
        ),
        pytest.param("voice_minutes", {"voice_minutes": 0}, {"voice_minutes"}, id="zero-minutes"),
        pytest.param("merchandise", {}, set(), id="merch-no-values"),
        pytest.param("merchandise", {"limit_count": 2}, {"limit_period"}, id="count-without-period"),
        pytest.param("merchandise", {"limit_period": "week"}, {"limit_count"}, id="period-without-count"),
        pytest.param(
            "merchandise",
            {
                "valid_from": dt.datetime(2026, 2, 1, tzinfo=HCM),
                "valid_until": dt.datetime(2026, 1, 1, tzinfo=HCM),
            },
            {"valid_until"},
            id="validity-reversed",
        ),
    ],
)
def test_reward_value_errors(kind, values, expected):
    assert set(errors(kind, **values)) == expected


@pytest.mark.parametrize(
    ("period", "start"),
    [
        ("day", dt.datetime(2026, 11, 26, tzinfo=HCM)),
        ("week", dt.datetime(2026, 11, 23, tzinfo=HCM)),  # Monday
        ("month", dt.datetime(2026, 11, 1, tzinfo=HCM)),
        ("year", dt.datetime(2026, 1, 1, tzinfo=HCM)),
    ],
)
def test_limit_periods_start_at_local_midnight(settings, period, start):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    # 26 Nov 2026 01:30 in Ho Chi Minh City is still 25 Nov in UTC.
    now = dt.datetime(2026, 11, 25, 18, 30, tzinfo=dt.UTC)

    assert limit_period_start(period=period, now=now) == start


def test_an_address_is_normalised_and_its_problems_are_all_named():
    address = DeliveryAddress.parse(
        {"recipient": "  Nguyễn   Lan ", "phone": "0912", "line1": "12 Huế", "city": "HN"}
    )

    assert address.recipient == "Nguyễn Lan"
    with pytest.raises(ValueError) as raised:
        DeliveryAddress.parse({"recipient": 5, "floor": "3"})
    assert str(raised.value) == (
        "city is required; line1 is required; phone is required; recipient must be text; "
        "unknown field 'floor'"
    )


def test_the_fingerprint_changes_with_what_is_asked_and_not_with_spacing():
    address = DeliveryAddress.parse({"recipient": "Lan", "phone": "1", "line1": "a", "city": "b"})
    spaced = DeliveryAddress.parse({"recipient": " Lan ", "phone": "1", "line1": "a", "city": "b"})
    base = request_fingerprint(member_id=1, reward_id=2, delivery_address=address)

    assert base == request_fingerprint(member_id=1, reward_id=2, delivery_address=spaced)
    assert base != request_fingerprint(member_id=1, reward_id=3, delivery_address=address)
    assert base != request_fingerprint(member_id=2, reward_id=2, delivery_address=address)
    assert base != request_fingerprint(member_id=1, reward_id=2, delivery_address=None)


@pytest.mark.parametrize(
    ("key", "is_usable"),
    [
        ("7f3c-uuid", True),
        ("", False),
        (None, False),
        ("a" * 100, True),
        ("a" * 101, False),
        ("tab\there", False),
    ],
)
def test_idempotency_keys(key, is_usable):
    assert (idempotency_key_problem(key) is None) == is_usable
