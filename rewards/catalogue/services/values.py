"""Pure rules about rewards and redemption requests: no database, unit-tested."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings

# Which value field each network kind needs; the others must stay empty.
VALUE_FIELD_BY_KIND = {
    "bill_credit": "credit_amount",
    "data_pack": "data_mb",
    "voice_minutes": "voice_minutes",
}
VALUE_FIELDS = ("credit_amount", "data_mb", "voice_minutes")
IDEMPOTENCY_KEY_MAX_LENGTH = 100


def reward_value_errors(
    *,
    kind: str,
    credit_amount: Decimal | None,
    data_mb: int | None,
    voice_minutes: int | None,
    limit_count: int | None,
    limit_period: str,
    valid_from: dt.datetime | None,
    valid_until: dt.datetime | None,
) -> dict[str, str]:
    """Field name -> message for every inconsistency of a reward's values (empty: fine)."""
    values = {"credit_amount": credit_amount, "data_mb": data_mb, "voice_minutes": voice_minutes}
    errors: dict[str, str] = {}
    needed = VALUE_FIELD_BY_KIND.get(kind)
    for name in VALUE_FIELDS:
        value = values[name]
        if name == needed and (value is None or value <= 0):
            errors[name] = "This kind of reward needs a positive value here."
        elif name != needed and value is not None:
            errors[name] = "Only for a reward of the matching kind; leave it empty."
    if needed == "credit_amount" and "credit_amount" not in errors:
        quantum = settings.OPERATOR_CURRENCY_QUANTUM
        if credit_amount != credit_amount.quantize(quantum):
            errors["credit_amount"] = (
                f"{settings.OPERATOR_CURRENCY} has {settings.OPERATOR_CURRENCY_DECIMALS} decimal places."
            )
    if (limit_count is None) != (not limit_period):
        field = "limit_period" if limit_count is not None else "limit_count"
        errors[field] = "Give both the number of redemptions and the period, or neither."
    if valid_from and valid_until and valid_until <= valid_from:
        errors["valid_until"] = "The end of validity must come after its start."
    return errors


def limit_period_start(*, period: str, now: dt.datetime) -> dt.datetime:
    """The start of the calendar day, week (Monday), month or year holding ``now``, in the
    operator's time zone (``now`` is aware)."""
    from django.utils import timezone

    local = timezone.localtime(now)
    day = local.date()
    if period == "day":
        start = day
    elif period == "week":
        start = day - dt.timedelta(days=day.weekday())
    elif period == "month":
        start = day.replace(day=1)
    elif period == "year":
        start = day.replace(month=1, day=1)
    else:
        raise ValueError(f"unknown limit period {period!r}")
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min), local.tzinfo)


@dataclass(frozen=True)
class RewardTerms:
    """What a redemption needs to know of a reward, read with its stock and minimum tier in
    the statement that locks the member."""

    id: int
    name: str
    kind: str
    live: bool
    points_cost: int
    credit_amount: Decimal | None
    data_mb: int | None
    voice_minutes: int | None
    limit_count: int | None
    limit_period: str
    minimum_tier_rank: int | None  # None: open to every tier
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    cancellation_window_hours: int
    stock: int | None  # units left; None: unlimited


@dataclass(frozen=True)
class DeliveryAddress:
    recipient: str
    phone: str
    line1: str
    city: str
    line2: str = ""
    region: str = ""
    postal_code: str = ""

    REQUIRED = ("recipient", "phone", "line1", "city")
    MAX_LENGTH = 200

    @classmethod
    def parse(cls, data: Mapping | DeliveryAddress) -> DeliveryAddress:
        """Validate an address from outside; ``ValueError`` names every missing or bad field."""
        if isinstance(data, DeliveryAddress):
            return data
        if not isinstance(data, Mapping):
            raise ValueError("the delivery address must be an object")
        known = {"recipient", "phone", "line1", "line2", "city", "region", "postal_code"}
        unknown = sorted(set(data) - known)
        problems = [f"unknown field {name!r}" for name in unknown]
        values = {}
        for name in known:
            value = data.get(name, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                problems.append(f"{name} must be text")
                continue
            value = " ".join(value.split())
            if len(value) > cls.MAX_LENGTH:
                problems.append(f"{name} is longer than {cls.MAX_LENGTH} characters")
            values[name] = value
        problems += [f"{name} is required" for name in cls.REQUIRED if values.get(name) == ""]
        if problems:
            raise ValueError("; ".join(sorted(problems)))
        return cls(**values)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def request_fingerprint(*, member_id: int, reward_id: int, delivery_address: DeliveryAddress | None) -> str:
    """A hash of what a redemption request asks for: the same key must come with the same body."""
    body = {
        "member": member_id,
        "reward": reward_id,
        "address": delivery_address.as_dict() if delivery_address else None,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def idempotency_key_problem(key: object) -> str | None:
    """Why a client's idempotency key is unusable, or None."""
    if not isinstance(key, str) or not key.strip():
        return "an idempotency key is required"
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        return f"the idempotency key is longer than {IDEMPOTENCY_KEY_MAX_LENGTH} characters"
    if not key.isprintable() or not key.isascii():
        return "the idempotency key must be printable ASCII"
    return None
