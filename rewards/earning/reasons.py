"""Readable reasons for ledger entries, e.g. "Bill paid 450,000 VND: 67 pts (Gold ×1.5)"."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from .evaluation import EarningEvent, EventAward
from .models import EarningKind

REASON_MAX = 255


def money(amount: Decimal) -> str:
    return f"{amount.quantize(settings.OPERATOR_CURRENCY_QUANTUM):,} {settings.OPERATOR_CURRENCY}"


def event_description(event: EarningEvent) -> str:
    if event.kind in (EarningKind.BILL_PAID, EarningKind.TOP_UP):
        return f"{EarningKind(event.kind).label} {money(event.amount)}"
    if event.kind == EarningKind.USAGE:
        parts = [
            f"{value:,} {unit}"
            for value, unit in ((event.data_mb, "MB"), (event.voice_minutes, "min"), (event.sms, "SMS"))
            if value
        ]
        return "Usage " + ", ".join(parts) if parts else "Usage"
    if event.kind == EarningKind.ANNIVERSARY:
        return "Activation anniversary"
    return str(event.kind)


def award_reason(event: EarningEvent, award: EventAward) -> str:
    """One line: the event, the total, and per rule its points and multipliers. A single rule
    shows only its multipliers; several rules show "name points" each."""
    head = f"{event_description(event)}: {award.points:,} pts"
    if len(award.lines) == 1:
        line = award.lines[0]
        details = list(line.multiplier_labels) + (["capped"] if line.is_capped else [])
    else:
        details = [
            " ".join([line.rule_name, f"{line.points:,}", *line.multiplier_labels]
                     + (["capped"] if line.is_capped else []))
            for line in award.lines
        ]
    text = f"{head} ({'; '.join(details)})" if details else head
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"
