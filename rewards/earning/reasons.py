"""Readable reasons for ledger entries, e.g. "Bill paid 450,000 VND: 67 pts (Gold ×1.5)", in
English (``award_reason``), and the code and values that show them in the member's language
(``award_reason_code``, ``award_reason_values``; ``rewards.ledger.reasons`` renders them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from rewards.ledger.reasons import ReasonCode

from .evaluation import ANNIVERSARY, BILL_PAID, TOP_UP, USAGE, EarningEvent, EventAward, decimal_text
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


REASON_CODES = {
    BILL_PAID: ReasonCode.EARN_BILL_PAID, TOP_UP: ReasonCode.EARN_TOP_UP,
    USAGE: ReasonCode.EARN_USAGE, ANNIVERSARY: ReasonCode.EARN_ANNIVERSARY,
}


def award_reason_code(event: EarningEvent) -> str:
    return REASON_CODES.get(event.kind, "")


def award_reason_values(event: EarningEvent, award: EventAward) -> dict:
    """What ``award_reason`` says, as values: the event's amount or usage, the points, and the
    rules' details (one rule: its multipliers and whether it was capped; several: each one's
    name and points too), left out when there is nothing to add."""
    values: dict = {"points": award.points}
    if event.kind in (BILL_PAID, TOP_UP):
        values["amount"] = decimal_text(event.amount)
    elif event.kind == USAGE:
        values |= {key: value for key, value in (
            ("data_mb", event.data_mb), ("voice_minutes", event.voice_minutes), ("sms", event.sms)) if value}
    several = len(award.lines) > 1
    rules = []
    for line in award.lines:
        rule = {"rule": line.rule_name, "points": line.points} if several else {}
        if line.multiplier_parts:
            rule["multipliers"] = [[name, decimal_text(factor)] for name, factor in line.multiplier_parts]
        if line.is_capped:
            rule["capped"] = True
        if rule:
            rules.append(rule)
    if rules:
        values["rules"] = rules
    return values
