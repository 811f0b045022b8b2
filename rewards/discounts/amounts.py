"""Reading a bill amount sent from outside (a JSON string or number) into exact money."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings

from .quote import currency_decimals

MAX_BILL_AMOUNT = Decimal("1000000000000000")  # 10^15: far above any bill, within the columns


class InvalidAmount(ValueError):
    """The message is meant for the caller, e.g. "bill_amount must be positive"."""


def bill_amount_parse(raw: object, *, field: str = "bill_amount") -> Decimal:
    """A positive amount with at most the currency's decimals (``"150000"``, ``150000``,
    ``"12.50"`` in a 2-decimal currency), as a Decimal on the currency's quantum.

    Trailing zeros are fine ("150000.00" is 150000 VND); a non-zero fraction beyond the minor
    unit is refused rather than rounded: money is never silently changed.
    """
    quantum: Decimal = settings.OPERATOR_CURRENCY_QUANTUM
    currency: str = settings.OPERATOR_CURRENCY
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise InvalidAmount(f"{field} must be a number or a string such as \"150000\"")
    text = raw.strip() if isinstance(raw, str) else str(raw)
    if not text:
        raise InvalidAmount(f"{field} is empty")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidAmount(f"{field} {text!r} is not a number (digits and one '.', no separators)") from None
    if not value.is_finite():
        raise InvalidAmount(f"{field} {text!r} is not a finite number")
    if value <= 0:
        raise InvalidAmount(f"{field} must be positive (got {text})")
    if value > MAX_BILL_AMOUNT:
        raise InvalidAmount(f"{field} {text} is too large (at most {MAX_BILL_AMOUNT:,f} {currency})")
    decimals = currency_decimals(quantum)
    if value != value.quantize(quantum):
        if decimals == 0:
            raise InvalidAmount(f"{field} must be a whole number of {currency}, which has no minor "
                                f"unit (got {text})")
        raise InvalidAmount(f"{field} has more than {decimals} decimal places, the most {currency} "
                            f"has (got {text})")
    return value.quantize(quantum)
