"""Validation of one raw event (a dict from JSON or a CSV row) into a ``ParsedEvent``.

Pure Python, no database: every refusal carries a reason code (``QuarantineReason``) and a
message naming the field. Empty values (``None`` or ``""``, as CSV gives for columns another
kind uses) count as absent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from club.members.models import ChurnReason, MemberStatus, PaymentPlan, TariffKind

from ..models import EventKind, QuarantineReason
from ..models.events import EVENT_ID_MAX_LENGTH

R = QuarantineReason
COMMON_FIELDS = frozenset({"event_id", "kind", "occurred_at", "msisdn", "account_number"})
# kind -> (required fields, optional fields)
KIND_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    EventKind.BILL_PAID: (frozenset({"amount", "period"}), frozenset()),
    EventKind.TOP_UP: (frozenset({"amount", "channel"}), frozenset()),
    EventKind.USAGE: (frozenset({"period"}), frozenset({"data_mb", "voice_minutes", "sms"})),
    EventKind.PLAN_CHANGE: (frozenset({"plan_name"}), frozenset({"payment_plan", "tariff_kind"})),
    EventKind.STATUS_CHANGE: (frozenset({"status"}), frozenset({"churn_reason"})),
    EventKind.REVERSAL: (frozenset({"reverses"}), frozenset()),
}
ALL_FIELDS = sorted(COMMON_FIELDS.union(*(req | opt for req, opt in KIND_FIELDS.values())))
KNOWN_FIELDS = {kind: COMMON_FIELDS | required | optional
                for kind, (required, optional) in KIND_FIELDS.items()}
USAGE_FIELDS = ("data_mb", "voice_minutes", "sms")
MAX_AMOUNT = Decimal(10) ** 15
MAX_QUANTITY = 10**12
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/\-]*$")
_PERIOD = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-01)?$")
_ACCOUNT_MAX_LENGTH = 32


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    position: int
    event_id: str
    kind: str
    msisdn: str
    account_number: str
    occurred_at: dt.datetime
    month: dt.date  # the activity month: the period (bill, usage) or the local month occurred
    amount: Decimal | None = None
    period: dt.date | None = None
    channel: str = ""
    data_mb: int = 0
    voice_minutes: int = 0
    sms: int = 0
    plan_name: str = ""
    payment_plan: str = ""
    tariff_kind: str = ""
    status: str = ""
    churn_reason: str = ""
    reverses: str = ""


@dataclass(frozen=True)
class Refusal:
    """Why an event cannot be applied: the first reason's code, and every message."""

    position: int
    raw: object
    event_id: str
    reason: str
    messages: list[str] = field(default_factory=list)


class _Problems:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, code: str, message: str) -> None:
        self.items.append((code, message))


@dataclass(frozen=True)
class EventParser:
    """Holds what every event's validation needs (the quantum, the time zone, now)."""

    quantum: Decimal
    zone: ZoneInfo
    now: dt.datetime

    @classmethod
    def current(cls) -> EventParser:
        return cls(
            quantum=settings.OPERATOR_CURRENCY_QUANTUM,
            zone=timezone.get_default_timezone(),
            now=timezone.now(),
        )

    def parse(self, raw: object, position: int) -> ParsedEvent | Refusal:
        if not isinstance(raw, dict):
            return Refusal(position, raw, "", R.NOT_AN_OBJECT, ["the event is not a JSON object"])
        values = {key: value for key, value in raw.items() if value is not None and value != ""}
        problems = _Problems()
        event_id = self._event_id(values.get("event_id"), "event_id", problems)
        if "event_id" not in values:
            problems.add(R.MISSING_FIELD, "event_id: missing")
        kind = values.get("kind")
        is_known_kind = isinstance(kind, str) and kind in KIND_FIELDS  # a list would not even hash
        if kind is None:
            problems.add(R.MISSING_FIELD, "kind: missing")
            known = COMMON_FIELDS
        elif not is_known_kind:
            problems.add(R.UNKNOWN_KIND, f"kind: unknown kind {str(kind)[:40]!r} "
                                         f"(expected one of {', '.join(KIND_FIELDS)})")
            known = None
        else:
            known = KNOWN_FIELDS[kind]
            missing = [name for name in KIND_FIELDS[kind][0] if name not in values]
            for name in sorted(missing) if missing else ():
                problems.add(R.MISSING_FIELD, f"{name}: missing (required for {kind})")
        if known is not None:
            unknown = [name for name in values if name not in known]
            if unknown:
                problems.add(R.UNKNOWN_FIELD, f"unknown field(s) for {kind or 'an event'}: "
                                              f"{', '.join(sorted(map(str, unknown)))[:200]}")
        msisdn, account = self._member(values, problems)
        occurred_at = self._occurred_at(values.get("occurred_at"), problems)
        fields = self._payload(kind, values, occurred_at, problems) if is_known_kind else {}
        if problems.items:
            return Refusal(position, raw, event_id or "", problems.items[0][0],
                           [message for _code, message in problems.items])
        month = fields.pop("month", None) or occurred_at.astimezone(self.zone).date().replace(day=1)
        return ParsedEvent(position=position, event_id=event_id, kind=kind, msisdn=msisdn,
                           account_number=account, occurred_at=occurred_at, month=month, **fields)

    # --- fields ------------------------------------------------------------------------------

    def _event_id(self, value: object, name: str, problems: _Problems) -> str | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or len(value) > EVENT_ID_MAX_LENGTH or not _EVENT_ID.match(value):
            problems.add(R.BAD_EVENT_ID, f"{name}: must be 1-{EVENT_ID_MAX_LENGTH} characters of "
                                         f"letters, digits and . _ : / - (got {str(value)[:80]!r})")
            return None
        return value

    def _member(self, values: dict, problems: _Problems) -> tuple[str, str]:
        msisdn, account = values.get("msisdn"), values.get("account_number")
        if msisdn is None and account is None:
            problems.add(R.MISSING_FIELD, "msisdn or account_number: missing (one is required)")
            return "", ""
        if msisdn is not None and account is not None:
            problems.add(R.BAD_MEMBER, "msisdn and account_number: give one, not both")
            return "", ""
        if msisdn is not None:
            if not isinstance(msisdn, str) or not _E164.match(msisdn):
                problems.add(R.BAD_MEMBER, f"msisdn: not an E.164 number (got {str(msisdn)[:40]!r})")
                return "", ""
            return msisdn, ""
        if isinstance(account, int) and not isinstance(account, bool):
            account = str(account)
        if not isinstance(account, str) or len(account.strip()) != len(account) \
                or len(account) > _ACCOUNT_MAX_LENGTH:
            problems.add(R.BAD_MEMBER, f"account_number: not an account number (got {str(account)[:40]!r})")
            return "", ""
        return "", account

    def _occurred_at(self, value: object, problems: _Problems) -> dt.datetime | None:
        if value is None:
            problems.add(R.MISSING_FIELD, "occurred_at: missing")
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            problems.add(R.BAD_TIMESTAMP, f"occurred_at: not an ISO 8601 date-time (got {str(value)[:40]!r})")
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        if moment > self.now + FUTURE_TOLERANCE:
            problems.add(R.BAD_TIMESTAMP, f"occurred_at: {value} is in the future")
            return None
        if moment < EARLIEST:
            problems.add(R.BAD_TIMESTAMP, f"occurred_at: {value} is before {EARLIEST.year}")
            return None
        return moment

    def _payload(self, kind: str, values: dict, occurred_at, problems: _Problems) -> dict:
        fields: dict = {}
        if kind in (EventKind.BILL_PAID, EventKind.TOP_UP) and "amount" in values:
            fields["amount"] = self._amount(values["amount"], problems)
        if kind in (EventKind.BILL_PAID, EventKind.USAGE) and "period" in values:
            period = self._period(values["period"], occurred_at, problems)
            fields["period"] = fields["month"] = period
        if kind == EventKind.TOP_UP and "channel" in values:
            fields["channel"] = self._text(values["channel"], "channel", 32, problems)
        elif kind == EventKind.USAGE:
            present = [name for name in USAGE_FIELDS if name in values]
            if not present:
                problems.add(R.MISSING_FIELD, f"{' / '.join(USAGE_FIELDS)}: missing (usage needs one)")
            for name in present:
                fields[name] = self._quantity(values[name], name, problems)
        elif kind == EventKind.PLAN_CHANGE:
            if "plan_name" in values:
                fields["plan_name"] = self._text(values["plan_name"], "plan_name", 80, problems)
            fields["payment_plan"] = self._choice(values, "payment_plan", PaymentPlan, problems)
            fields["tariff_kind"] = self._choice(values, "tariff_kind", TariffKind, problems)
        elif kind == EventKind.STATUS_CHANGE:
            fields["status"] = self._choice(values, "status", MemberStatus, problems)
            fields["churn_reason"] = self._choice(values, "churn_reason", ChurnReason, problems)
            if fields["churn_reason"] and fields["status"] != MemberStatus.CHURNED:
                problems.add(R.BAD_VALUE, "churn_reason: only with status churned")
        elif kind == EventKind.REVERSAL and "reverses" in values:
            fields["reverses"] = self._event_id(values["reverses"], "reverses", problems) or ""
            if fields["reverses"] and fields["reverses"] == values.get("event_id"):
                problems.add(R.BAD_REVERSAL, "reverses: an event cannot reverse itself")
        return fields

    def _amount(self, value: object, problems: _Problems) -> Decimal | None:
        try:
            if isinstance(value, bool) or not isinstance(value, (str, int, Decimal, float)):
                raise InvalidOperation
            amount = Decimal(value.strip() if isinstance(value, str) else str(value))
            if not amount.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.add(R.BAD_AMOUNT, f"amount: not a number (got {str(value)[:40]!r})")
            return None
        if amount < 0:
            problems.add(R.BAD_AMOUNT, f"amount: negative ({value}); use a reversal to take money back")
            return None
        if amount >= MAX_AMOUNT:
            problems.add(R.BAD_AMOUNT, f"amount: {value} is too large")
            return None
        quantised = amount.quantize(self.quantum)
        if quantised != amount:
            problems.add(R.BAD_AMOUNT, f"amount: {value} has more decimals than "
                                       f"{settings.OPERATOR_CURRENCY} allows ({self.quantum})")
            return None
        return quantised

    def _quantity(self, value: object, name: str, problems: _Problems) -> int:
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        elif isinstance(value, (Decimal, float)) and value == int(value):
            number = int(value)
        if number is None or number < 0 or number > MAX_QUANTITY:
            problems.add(R.BAD_QUANTITY, f"{name}: must be a whole number from 0 to {MAX_QUANTITY} "
                                         f"(got {str(value)[:40]!r})")
            return 0
        return number

    def _period(self, value: object, occurred_at, problems: _Problems) -> dt.date | None:
        match = _PERIOD.match(value) if isinstance(value, str) else None
        period = None
        if match and 2000 <= int(match[1]) <= 2999 and 1 <= int(match[2]) <= 12:
            period = dt.date(int(match[1]), int(match[2]), 1)
        if period is None:
            problems.add(R.BAD_TIMESTAMP, f"period: expected YYYY-MM (got {str(value)[:40]!r})")
            return None
        if occurred_at is not None:
            occurred_month = occurred_at.astimezone(self.zone).date().replace(day=1)
            if period > occurred_month:
                problems.add(R.BAD_TIMESTAMP, f"period: {value} is after the month of occurred_at")
                return None
        return period

    @staticmethod
    def _text(value: object, name: str, max_length: int, problems: _Problems) -> str:
        if not isinstance(value, str) or len(value) > max_length or not value.strip():
            problems.add(R.BAD_VALUE, f"{name}: must be text of at most {max_length} characters")
            return ""
        return value.strip()

    @staticmethod
    def _choice(values: dict, name: str, choices, problems: _Problems) -> str:
        value = values.get(name)
        if value is None:
            return ""
        if value not in choices.values or value == "":
            allowed = ", ".join(choice for choice in choices.values if choice)
            problems.add(R.BAD_VALUE, f"{name}: {str(value)[:40]!r} is not one of {allowed}")
            return ""
        return value
