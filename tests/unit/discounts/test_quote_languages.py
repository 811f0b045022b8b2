"""The quote's reasons and notes, which the dashboard shows, in the member's language with its
separators (English is the source language: see test_quote.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from rewards.discounts.choices import Stacking
from rewards.discounts.quote import discount_rates

from .test_quote import schedule

D = Decimal
M = 1_000_000


@pytest.mark.parametrize(
    ("language", "reasons"),
    [
        pytest.param("en", ["3% for 24,000,000 VND spent in the last 12 months",
                            "5% for 3 years with us, reduced from 5% to 3.5% by the 6.5% cap on combined "
                            "discounts"],
                     id="en"),
        pytest.param("vi", ["Giảm 3% vì bạn đã chi tiêu 24.000.000 VND trong 12 tháng qua",
                            "Giảm 5% vì bạn đã gắn bó với chúng tôi 3 năm, giảm từ 5% xuống 3,5% do mức trần "
                            "6,5% cho tổng các khoản giảm giá"], id="vi"),
        pytest.param("zh-hans", ["过去 12 个月消费 24,000,000 VND，享 3% 折扣",
                                 "与我们相伴 3 年，享 5% 折扣，因合计折扣上限 6.5%，由 5% 降至 3.5%"],
                     id="zh-hans"),
        pytest.param("ru", ["3% за 24\xa0000\xa0000 VND, потраченные за последние 12 месяцев",
                            "5% за 3 года с нами, снижено с 5% до 3,5% из-за предела 6,5% на сумму "
                            "скидок"], id="ru"),
    ],
)
def test_reasons_are_in_the_readers_language_and_number_format(language, reasons):
    given = schedule(Stacking.SUM_CAPPED, "6.5")

    with translation.override(language):
        rates = discount_rates(rolling_spend=D("24000000.75"), tenure_years=3, schedule=given)

    assert [rate.reason for rate in rates.rates] == reasons


@pytest.mark.parametrize(
    ("language", "note"),
    [
        pytest.param("en", "Best of volume (3%) and tenure (5%): the tenure discount applies.", id="en"),
        pytest.param("vi", "Lấy mức cao hơn giữa chi tiêu (3%) và thời gian gắn bó (5%): áp dụng mức giảm "
                           "theo thời gian gắn bó.", id="vi"),
        pytest.param("ru", "Большая из скидок за объём (3%) и за стаж (5%): действует скидка за "
                           "стаж.", id="ru"),
    ],
)
def test_the_best_of_note_is_in_the_readers_language(language, note):
    with translation.override(language):
        rates = discount_rates(rolling_spend=D(24 * M), tenure_years=3, schedule=schedule())

    assert rates.note == note


def test_russian_years_take_the_plural_form_of_their_number():
    with translation.override("ru"):
        reasons = [discount_rates(rolling_spend=D(0), tenure_years=years, schedule=schedule()).rates[0].reason
                   for years in (1, 3, 5)]

    assert reasons == ["1% за 1 год с нами", "5% за 3 года с нами", "7% за 5 лет с нами"]
