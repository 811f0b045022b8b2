"""Readable reasons for ledger entries, e.g. "Bill paid 450,000 VND: 67 pts (Gold ×1.5)"."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .evaluation import ANNIVERSARY, BILL_PAID, TOP_UP, USAGE, EarningEvent, EventAward
from .models import EarningKind

REASON_MAX = 255


@dataclass(frozen=True)
class ReasonStyle:
    """What reasons need from settings and translations, resolved once per batch."""

    kind_labels: dict[str, str]
    quantum: Decimal
    currency: str

    @classmethod
    def current(cls) -> ReasonStyle:
        return cls(
            kind_labels={kind: str(label) for kind, label in EarningKind.choices},
            quantum=settings.OPERATOR_CURRENCY_QUANTUM, currency=settings.OPERATOR_CURRENCY,
        )

    def money(self, amount: Decimal) -> str:
        return f"{amount.quantize(self.quantum):,} {self.currency}"


def event_description(event: EarningEvent, style: ReasonStyle) -> str:
    if event.kind in (BILL_PAID, TOP_UP):
        return f"{style.kind_labels[event.kind]} {style.money(event.amount)}"
    if event.kind == USAGE:
        parts = [
            f"{value:,} {unit}"
            for value, unit in ((event.data_mb, "MB"), (event.voice_minutes, "min"), (event.sms, "SMS"))
            if value
        ]
        return "Usage " + ", ".join(parts) if parts else "Usage"
    if event.kind == ANNIVERSARY:
        return style.kind_labels[ANNIVERSARY]
    return str(event.kind)


def award_reason(event: EarningEvent, award: EventAward, style: ReasonStyle | None = None) -> str:
    """One line: the event, the total, and per rule its points and multipliers. A single rule
    shows only its multipliers; several rules show "name points" each."""
    head = f"{event_description(event, style or ReasonStyle.current())}: {award.points:,} pts"
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
