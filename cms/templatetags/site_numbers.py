"""``{{ value|trimmed }}``: a decimal without trailing zeros, in the reader's locale
(1.500 -> "1.5", 5.00 -> "5", 4.50 -> "4,5" in Vietnamese).

``{{ amount|money }}``: an amount in the operator's currency, to its minor unit, grouped the
reader's way (1,000,000 VND; 1.000.000 VND in Vietnamese; 1 000 000 VND in Russian)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from rewards.discounts.quote import money_text

register = template.Library()


@register.filter
def trimmed(value):
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return number_format(number, use_l10n=True)


@register.filter
def money(value):
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return money_text(amount)
