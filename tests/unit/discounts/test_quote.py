"""The discount quote as a pure function: lines, reasons, stacking, exact money (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from rewards.discounts.choices import DiscountKind, Stacking
from rewards.discounts.quote import discount_rates, quote_discount, split_amounts
from rewards.discounts.specs import ScheduleSpec, TenureBandSpec, VolumeBracketSpec

D = Decimal
M = 1_000_000
VOLUME, TENURE = DiscountKind.VOLUME, DiscountKind.TENURE
EUR = {"OPERATOR_CURRENCY": "EUR", "OPERATOR_CURRENCY_QUANTUM": D("0.01")}


def schedule(stacking=Stacking.BEST_OF, cap=None, **fields) -> ScheduleSpec:
    """Volume: 10M -> 2%, 20M -> 3%, 50M -> 5%. Tenure: 1 -> 1%, 3 -> 5%, 5 -> 7%."""
    return ScheduleSpec(
        id=7, name="Individuals 2026", stacking=stacking, cap_percent=None if cap is None else D(cap),
        volume_brackets=(VolumeBracketSpec(D(0), D(0)), VolumeBracketSpec(D(10 * M), D(2)),
                         VolumeBracketSpec(D(20 * M), D(3)), VolumeBracketSpec(D(50 * M), D(5))),
        tenure_bands=(TenureBandSpec(1, D(1)), TenureBandSpec(3, D(5)), TenureBandSpec(5, D(7))),
        **fields,
    )


def summary(quote) -> tuple:
    return ([(line.kind, line.percent, line.amount) for line in quote.lines],
            quote.total_discount, quote.payable)


@pytest.mark.parametrize(
    ("spend", "years", "spec", "bill", "expected"),
    [
        pytest.param(5 * M, 0, schedule(), 500_000, ([], 0, 500_000), id="below-every-bracket-and-band"),
        pytest.param(24 * M, 0, schedule(), 500_000, ([(VOLUME, 3, 15_000)], 15_000, 485_000),
                     id="volume-only-3pct"),
        pytest.param(0, 3, schedule(), 500_000, ([(TENURE, 5, 25_000)], 25_000, 475_000),
                     id="tenure-only-5pct"),
        pytest.param(20 * M, 0, schedule(), 100_000, ([(VOLUME, 3, 3_000)], 3_000, 97_000),
                     id="bracket-threshold-is-inclusive"),
        pytest.param(24 * M, 3, schedule(), 500_000, ([(TENURE, 5, 25_000)], 25_000, 475_000),
                     id="best-of-picks-larger-tenure"),
        pytest.param(55 * M, 1, schedule(), 500_000, ([(VOLUME, 5, 25_000)], 25_000, 475_000),
                     id="best-of-picks-larger-volume"),
        pytest.param(55 * M, 3, schedule(), 500_000, ([(TENURE, 5, 25_000)], 25_000, 475_000),
                     id="best-of-tie-keeps-tenure"),
        pytest.param(24 * M, 3, schedule(Stacking.SUM_CAPPED, 10), 500_000,
                     ([(VOLUME, 3, 15_000), (TENURE, 5, 25_000)], 40_000, 460_000), id="sum-under-cap"),
        pytest.param(24 * M, 3, schedule(Stacking.SUM_CAPPED, 6), 500_000,
                     ([(VOLUME, 3, 15_000), (TENURE, 3, 15_000)], 30_000, 470_000), id="sum-clipped-to-cap"),
        pytest.param(24 * M, 3, schedule(Stacking.SUM_CAPPED, 3), 500_000,
                     ([(VOLUME, 3, 15_000)], 15_000, 485_000), id="sum-cap-reached-drops-tenure"),
        pytest.param(24 * M, 3, schedule(Stacking.SUM_CAPPED, 0), 500_000, ([], 0, 500_000),
                     id="sum-cap-zero-gives-nothing"),
        pytest.param(24 * M, 3, None, 500_000, ([], 0, 500_000), id="no-schedule"),
        pytest.param(24 * M, 3, schedule(), 0, ([(TENURE, 5, 0)], 0, 0), id="zero-bill"),
    ],
)
def test_vnd_quote_lines_total_and_payable(spend, years, spec, bill, expected):
    quote = quote_discount(bill_amount=D(bill), rolling_spend=D(spend), tenure_years=years, schedule=spec)

    lines, total, payable = expected
    assert summary(quote) == ([(k, D(p), D(a)) for k, p, a in lines], D(total), D(payable))
    assert quote.currency == "VND"


def test_reasons_name_the_spend_and_the_years():
    quote = quote_discount(bill_amount=D(500_000), rolling_spend=D("24000000.75"), tenure_years=3,
                           schedule=schedule(Stacking.SUM_CAPPED, 10))

    assert [line.reason for line in quote.lines] == [
        "3% for 24,000,000 VND spent in the last 12 months",
        "5% for 3 years with us",
    ]
    assert quote.schedule_id == 7
    assert quote.schedule_name == "Individuals 2026"


def test_one_year_is_singular():
    (line,) = quote_discount(bill_amount=D(1000), rolling_spend=D(0), tenure_years=1,
                             schedule=schedule()).lines

    assert line.reason == "1% for 1 year with us"


def test_best_of_says_which_one_won():
    quote = quote_discount(bill_amount=D(500_000), rolling_spend=D(24 * M), tenure_years=3,
                           schedule=schedule())

    assert quote.note == "Best of volume (3%) and tenure (5%): the tenure discount applies."


def test_clipped_line_says_it_was_reduced_by_the_cap():
    quote = quote_discount(bill_amount=D(500_000), rolling_spend=D(24 * M), tenure_years=3,
                           schedule=schedule(Stacking.SUM_CAPPED, "6.5"))

    assert quote.lines[1].reason == (
        "5% for 3 years with us, reduced from 5% to 3.5% by the 6.5% cap on combined discounts"
    )
    assert quote.total_percent == D("6.5")


def test_dropped_line_is_named_in_the_note():
    quote = quote_discount(bill_amount=D(500_000), rolling_spend=D(24 * M), tenure_years=3,
                           schedule=schedule(Stacking.SUM_CAPPED, 3))

    assert quote.note == (
        "The tenure discount (5%) does not apply: the 3% cap on combined discounts is reached."
    )


@pytest.mark.parametrize(
    ("bill", "percents", "amounts"),
    [
        # 3% of 150,050 = 4,501.5 -> 4,502: an exact half goes to the member (ROUND_HALF_UP).
        pytest.param(150_050, ["3"], [4_502], id="vnd-half-rounds-up-for-the-member"),
        pytest.param(150_049, ["3"], [4_501], id="vnd-below-half-rounds-down"),
        # 4,501.5 + 7,502.5: rounded one by one 4,502 + 7,503 = 12,005, but 8% is 12,004.
        pytest.param(150_050, ["3", "5"], [4_502, 7_502], id="vnd-cumulative-rounding-no-drift"),
        pytest.param(333_333, ["3", "5"], [10_000, 16_667], id="vnd-thirds"),
        pytest.param(999, ["100"], [999], id="vnd-100pct-is-the-whole-bill"),
    ],
)
def test_split_amounts_vnd(bill, percents, amounts):
    assert split_amounts(bill_amount=D(bill), percents=[D(p) for p in percents],
                         quantum=D(1)) == [D(a) for a in amounts]


@override_settings(**EUR)
@pytest.mark.parametrize(
    ("bill", "spend", "years", "expected"),
    [
        pytest.param("10.10", 0, 3, ([(TENURE, 5, "0.51")], "0.51", "9.59"), id="eur-half-cent-up"),
        pytest.param("10.05", 0, 3, ([(TENURE, 5, "0.50")], "0.50", "9.55"), id="eur-below-half-down"),
        pytest.param("99.99", 24 * M, 3, ([(VOLUME, 3, "3.00"), (TENURE, 5, "5.00")], "8.00", "91.99"),
                     id="eur-sum-two-lines"),
        pytest.param("150.05", 24 * M, 3, ([(VOLUME, 3, "4.50"), (TENURE, 5, "7.50")], "12.00", "138.05"),
                     id="eur-sum-cumulative"),
    ],
)
def test_two_decimal_currency(bill, spend, years, expected):
    quote = quote_discount(bill_amount=D(bill), rolling_spend=D(spend), tenure_years=years,
                           schedule=schedule(Stacking.SUM_CAPPED, 10))

    lines, total, payable = expected
    assert summary(quote) == ([(k, D(p), D(a)) for k, p, a in lines], D(total), D(payable))
    assert quote.currency == "EUR"
    assert all(line.amount.as_tuple().exponent == -2 for line in quote.lines)


@override_settings(**EUR)
def test_two_decimal_currency_reason_shows_cents():
    spec = ScheduleSpec(name="EU", stacking=Stacking.BEST_OF,
                        volume_brackets=(VolumeBracketSpec(D(20_000), D(3)),))

    (line,) = quote_discount(bill_amount=D("10.00"), rolling_spend=D("24000.5"), tenure_years=0,
                             schedule=spec).lines

    assert line.reason == "3% for 24,000.50 EUR spent in the last 12 months"


@pytest.mark.parametrize(
    ("bill", "currency"),
    [
        pytest.param("100.5", {}, id="vnd-fraction"),
        pytest.param("-1", {}, id="negative"),
        pytest.param("10.005", EUR, id="eur-three-decimals"),
    ],
)
def test_bill_not_exact_in_the_currency_is_refused(bill, currency):
    with override_settings(**currency), pytest.raises(ValueError):
        quote_discount(bill_amount=D(bill), rolling_spend=D(0), tenure_years=5, schedule=schedule())


def test_never_more_than_the_bill_even_with_an_unchecked_cap():
    spec = ScheduleSpec(name="generous", stacking=Stacking.SUM_CAPPED, cap_percent=None,
                        volume_brackets=(VolumeBracketSpec(D(0), D(80)),),
                        tenure_bands=(TenureBandSpec(0, D(80)),))

    quote = quote_discount(bill_amount=D(12_345), rolling_spend=D(0), tenure_years=0, schedule=spec)

    assert (quote.total_percent, quote.total_discount, quote.payable) == (D(100), D(12_345), D(0))


def test_rates_tell_the_next_bracket_and_band():
    rates = discount_rates(rolling_spend=D(24 * M), tenure_years=3, schedule=schedule())

    assert (rates.next_volume.spend_from, rates.next_volume.percent, rates.next_volume.spend_missing) == (
        D(50 * M), D(5), D(26 * M))
    assert (rates.next_tenure.years_from, rates.next_tenure.percent) == (5, D(7))


def test_rates_at_the_top_have_no_next_step():
    rates = discount_rates(rolling_spend=D(60 * M), tenure_years=9, schedule=schedule())

    assert (rates.next_volume, rates.next_tenure) == (None, None)


percents = st.decimals(min_value=0, max_value=100, places=2)


@given(
    bill=st.integers(min_value=0, max_value=10**13),
    volume=percents, tenure=percents,
    cap=st.one_of(st.none(), percents),
    stacking=st.sampled_from(list(Stacking)),
    spend=st.integers(min_value=0, max_value=10**9),
    years=st.integers(min_value=0, max_value=40),
)
def test_lines_always_add_up_and_never_exceed_the_bill(bill, volume, tenure, cap, stacking, spend, years):
    spec = ScheduleSpec(name="any", stacking=stacking, cap_percent=cap,
                        volume_brackets=(VolumeBracketSpec(D(1000), volume),),
                        tenure_bands=(TenureBandSpec(2, tenure),))

    quote = quote_discount(bill_amount=D(bill), rolling_spend=D(spend), tenure_years=years, schedule=spec)

    assert sum((line.amount for line in quote.lines), D(0)) == quote.total_discount
    assert 0 <= quote.total_discount <= quote.bill_amount
    assert quote.total_discount + quote.payable == quote.bill_amount
    assert all(line.amount >= 0 for line in quote.lines)
    assert quote.total_percent <= (D(100) if cap is None or stacking == Stacking.BEST_OF else cap)
