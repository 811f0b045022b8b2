"""Ledger reasons in the reader's language.

An entry keeps its English ``reason`` (staff, admin, audit) and, when a service wrote it, a
``reason_code`` of this registry with the ``reason_values`` its message needs. The member's
statement renders code and values in the active language with the locale's separators
(``reason_text``). Names that marketers typed (rewards, campaigns, earning rules, tiers) and
notes typed by people are content: shown as stored. An unknown code, a blank code or values
that do not fit the message show the stored ``reason``.

Values are JSON: numbers as integers, decimals (money, multipliers) and dates as strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext_lazy

from rewards.discounts.quote import money_text


class ReasonCode:
    """The codes entries store (``LedgerEntry.reason_code``, at most 32 characters)."""

    EARN_BILL_PAID = "earn.bill_paid"
    EARN_TOP_UP = "earn.top_up"
    EARN_USAGE = "earn.usage"
    EARN_ANNIVERSARY = "earn.anniversary"
    REDEEMED = "redeemed"
    REDEMPTION_CANCELLED = "redemption.cancelled"
    EXPIRED = "expired"
    BILLING_REVERSED = "billing.reversed"
    CAMPAIGN_BONUS = "campaign.bonus"
    EVENT_ATTENDANCE = "event.attendance"
    COMPLAINT_GOODWILL = "complaint.goodwill"


# A note the system writes (not a person): stored in English, shown translated.
CANCELLED_BY_MEMBER = gettext_noop("Cancelled by the member")
_SYSTEM_NOTES = frozenset({CANCELLED_BY_MEMBER})

_EARNED = {
    ReasonCode.EARN_BILL_PAID: ngettext_lazy(
        "Bill paid %(amount)s: %(points)s point", "Bill paid %(amount)s: %(points)s points", "count"
    ),
    ReasonCode.EARN_TOP_UP: ngettext_lazy(
        "Top-up %(amount)s: %(points)s point", "Top-up %(amount)s: %(points)s points", "count"
    ),
    ReasonCode.EARN_USAGE: ngettext_lazy(
        "Usage %(usage)s: %(points)s point", "Usage %(usage)s: %(points)s points", "count"
    ),
    ReasonCode.EARN_ANNIVERSARY: ngettext_lazy(
        "Activation anniversary: %(points)s point", "Activation anniversary: %(points)s points", "count"
    ),
}
_USAGE_PARTS = (
    ("data_mb", ngettext_lazy("%(value)s MB", "%(value)s MB", "count")),
    ("voice_minutes", ngettext_lazy("%(value)s minute", "%(value)s minutes", "count")),
    ("sms", ngettext_lazy("%(value)s SMS", "%(value)s SMS", "count")),
)
_WITH_DETAILS = gettext_lazy("%(reason)s (%(details)s)")
_CAPPED = gettext_lazy("capped")
_MULTIPLIER = gettext_lazy("%(name)s ×%(multiplier)s")
_RULE_POINTS = gettext_lazy("%(rule)s %(points)s")
_REDEEMED = gettext_lazy("Redeemed: %(reward)s")
_CANCELLED = gettext_lazy("Cancelled redemption: %(note)s")
_EXPIRED = ngettext_lazy(
    "%(points)s point reached its expiry date %(date)s",
    "%(points)s points reached their expiry date %(date)s",
    "count",
)
_REVERSED = gettext_lazy("Billing event %(event)s reversed by %(reversal)s")
_NOT_RECOVERED = ngettext_lazy(
    "%(reason)s (%(points)s point already spent)", "%(reason)s (%(points)s points already spent)", "count"
)
_BONUS = gettext_lazy("Bonus: %(campaign)s")
_GOODWILL = ngettext_lazy(
    "Goodwill for complaint #%(complaint)s: %(points)s point",
    "Goodwill for complaint #%(complaint)s: %(points)s points", "count"
)
_ATTENDED = ngettext_lazy(
    "Attended %(event)s: %(points)s point", "Attended %(event)s: %(points)s points", "count"
)


def _number(value) -> str:
    """An integer or decimal written the active language's way, grouped (1.234.567 in Vietnamese)."""
    number = value if isinstance(value, int) else Decimal(value)
    if isinstance(number, Decimal):
        number = number.normalize() if number != number.to_integral_value() else number.quantize(Decimal(1))
    return number_format(number, use_l10n=True, force_grouping=True)


def _points(template, points: int, **values) -> str:
    return template % {"count": points, "points": _number(points), **values}


def _details(values: Mapping) -> str:
    """What an earning reason adds in brackets: one rule's multipliers (and "capped"), or per
    rule its name, points and multipliers."""
    lines = values.get("rules") or []

    def line_parts(line: Mapping) -> list[str]:
        parts = [str(_MULTIPLIER % {"name": name, "multiplier": _number(factor)})
                 for name, factor in line.get("multipliers", ())]
        return parts + ([str(_CAPPED)] if line.get("capped") else [])

    if len(lines) == 1:
        return "; ".join(line_parts(lines[0]))
    return "; ".join(
        " ".join([str(_RULE_POINTS % {"rule": line["rule"], "points": _number(line["points"])}),
                  *line_parts(line)])
        for line in lines
    )


def _earned(code: str) -> Callable[[Mapping], str]:
    def render(values: Mapping) -> str:
        extra = {}
        if code in (ReasonCode.EARN_BILL_PAID, ReasonCode.EARN_TOP_UP):
            extra["amount"] = money_text(Decimal(values["amount"]))
        elif code == ReasonCode.EARN_USAGE:
            extra["usage"] = ", ".join(
                template % {"count": values[key], "value": _number(values[key])}
                for key, template in _USAGE_PARTS if values.get(key)
            )
        head = _points(_EARNED[code], values["points"], **extra)
        details = _details(values)
        return _WITH_DETAILS % {"reason": head, "details": details} if details else head

    return render


def _cancelled(values: Mapping) -> str:
    note = values["note"]
    return _CANCELLED % {"note": gettext(note) if note in _SYSTEM_NOTES else note}


def _expired(values: Mapping) -> str:
    day = dt.date.fromisoformat(values["date"])
    return _points(_EXPIRED, values["points"], date=date_format(day, "DATE_FORMAT"))


def _reversed(values: Mapping) -> str:
    text = _REVERSED % {"event": values["event"], "reversal": values["reversal"]}
    if unrecovered := values.get("unrecovered"):
        text = _points(_NOT_RECOVERED, unrecovered, reason=text)
    return text


RENDERERS: dict[str, Callable[[Mapping], str]] = {
    **{code: _earned(code) for code in _EARNED},
    ReasonCode.REDEEMED: lambda values: _REDEEMED % {"reward": values["reward"]},
    ReasonCode.REDEMPTION_CANCELLED: _cancelled,
    ReasonCode.EXPIRED: _expired,
    ReasonCode.BILLING_REVERSED: _reversed,
    ReasonCode.CAMPAIGN_BONUS: lambda values: _BONUS % {"campaign": values["campaign"]},
    ReasonCode.EVENT_ATTENDANCE: lambda values: _points(_ATTENDED, values["points"], event=values["event"]),
    ReasonCode.COMPLAINT_GOODWILL: lambda values: _points(_GOODWILL, values["points"],
                                                          complaint=values["complaint"]),
}


def reason_text(code: str, values: Mapping | None, stored: str) -> str:
    """The reason of an entry in the active language; ``stored`` (the English text) when the
    code is blank or unknown or its values do not fit the message."""
    render = RENDERERS.get(code) if code else None
    if render is None:
        return stored
    try:
        return render(values or {})
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError):
        return stored
