"""Reads about members. Writes live in ``services``."""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass
from functools import reduce

import phonenumbers
from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from .models import Channel, ConsentPurpose, ConsentRecord, Interest, Member
from .phone import InvalidPhoneNumber, phone_to_e164

# What a person types when searching for a line: digits, an optional leading "+", and the
# separators people use to group digits ("0912 345 678", "(091) 234-5678", "091.234.5678").
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-]+$")
_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
# Fewer digits than this are more likely the start of an account number than of a line.
_MIN_MSISDN_PREFIX_DIGITS = 4


# The boolean on Member that holds each purpose's current consent.
CONSENT_FIELD_BY_PURPOSE = {
    ConsentPurpose.MARKETING: "consent_marketing",
    ConsentPurpose.PROFILING: "consent_profiling",
    ConsentPurpose.CHANNEL_EMAIL: "consent_email",
    ConsentPurpose.CHANNEL_SMS: "consent_sms",
    ConsentPurpose.CHANNEL_PORTAL: "consent_portal",
}
CONSENT_FIELD_BY_CHANNEL = {
    Channel.EMAIL: "consent_email",
    Channel.SMS: "consent_sms",
    Channel.PORTAL: "consent_portal",
}


@dataclass(frozen=True)
class CurrentConsent:
    purpose: str
    label: str
    is_granted: bool
    changed_at: dt.datetime | None


def member_for_user(*, user) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


def member_admin_list() -> QuerySet[Member]:
    """The members as the admin list shows them: only the columns the list needs."""
    return Member.objects.only(
        "account_number", "msisdn", "customer_type", "payment_plan", "tariff_kind", "plan_name",
        "region", "city", "status", "segment", "activation_date", "user_id",
    )


def member_search(*, query: str, members: QuerySet[Member] | None = None) -> QuerySet[Member]:
    """Members whose MSISDN, account number or city match what staff typed.

    Millions of rows: every branch is an exact or prefix lookup (``LIKE 'x%'``) on an indexed
    column where one exists, never a ``%x%`` scan. A phone number in national ("0912 345 678")
    or E.164 form is normalised first; a partial number matches lines that start with it.
    ``members`` narrows a queryset already filtered and ordered (the admin list's).
    """
    members = Member.objects.all() if members is None else members
    text = " ".join((query or "").split())
    if not text:
        return members
    matches = [
        match
        for match in (_msisdn_match(text), _account_number_match(text), _city_match(text))
        if match is not None
    ]
    if not matches:
        return members.none()
    return members.filter(reduce(operator.or_, matches))


def _msisdn_match(text: str) -> Q | None:
    if not _PHONE_LIKE.match(text):
        return None
    try:
        return Q(msisdn=phone_to_e164(text))
    except InvalidPhoneNumber:
        prefix = _msisdn_prefix(text)
        return Q(msisdn__startswith=prefix) if prefix else None


def _msisdn_prefix(text: str) -> str:
    """The E.164 start of a partly typed number: "+8490 12" -> "+849012", "0912 3" -> "+849123"."""
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+"):
        number = digits[1:]
        return f"+{number}" if len(number) >= _MIN_MSISDN_PREFIX_DIGITS else ""
    if digits.startswith("0") and len(digits) > _MIN_MSISDN_PREFIX_DIGITS:
        country_code = phonenumbers.country_code_for_region(settings.OPERATOR_PHONE_REGION)
        return f"+{country_code}{digits[1:]}" if country_code else ""
    return ""


def _account_number_match(text: str) -> Q | None:
    # Account numbers are stored as the billing system writes them; staff may type them in
    # lower case. Both prefixes use the unique index (its ``_like`` twin on PostgreSQL).
    if " " in text:
        return None
    match = Q(account_number__startswith=text)
    if text.upper() != text:
        match |= Q(account_number__startswith=text.upper())
    return match


def _city_match(text: str) -> Q | None:
    # Case-sensitive prefixes (as typed, and as city names are written: "hà nội" -> "Hà Nội"),
    # so that an index on city serves them; ``istartswith`` would wrap the column in UPPER().
    if any(char.isdigit() for char in text):
        return None
    return reduce(operator.or_, (Q(city__startswith=variant) for variant in {text, text.title()}))


def member_count_estimate() -> int | None:
    """The planner's row estimate for the member table on PostgreSQL (None elsewhere).

    ``COUNT(*)`` over millions of rows reads them all; the unfiltered admin list uses this
    instead once the table is large (see ``admin.paginator``).
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [Member._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None or row[0] < 0:  # -1: never vacuumed or analysed
        return None
    return int(row[0])


def member_for_admin_detail(*, member_id: int) -> Member:
    """One member with everything its admin detail shows, in a fixed number of queries."""
    return (
        Member.objects.select_related("user")
        .prefetch_related(
            "interests",
            Prefetch(
                "consents",
                queryset=ConsentRecord.objects.select_related("recorded_by").order_by(
                    "-recorded_at", "-pk"
                ),
                to_attr="consent_history",
            ),
        )
        .get(pk=member_id)
    )


def member_current_consents(*, member: Member) -> list[CurrentConsent]:
    """Each purpose's consent now, with when it last changed. Reads ``consent_history`` when
    the member came from ``member_for_admin_detail`` (no further query), else the records."""
    history = getattr(member, "consent_history", None)
    if history is None:
        history = list(member.consents.order_by("-recorded_at", "-pk"))
    latest_change: dict[str, dt.datetime] = {}
    for record in history:  # newest first: the first record of a purpose is its latest
        latest_change.setdefault(record.purpose, record.recorded_at)
    return [
        CurrentConsent(
            purpose=purpose.value,
            label=str(purpose.label),
            is_granted=getattr(member, field_name),
            changed_at=latest_change.get(purpose.value),
        )
        for purpose, field_name in CONSENT_FIELD_BY_PURPOSE.items()
    ]


def member_channel_consent(*, member_id: int, channel: str) -> bool | None:
    """Whether the member consents to contact on ``channel`` (``"email"``...); None when there
    is no such member."""
    field_name = CONSENT_FIELD_BY_CHANNEL[Channel(channel)]
    return Member.objects.filter(pk=member_id).values_list(field_name, flat=True).first()


def member_consent_history(*, member_id: int, limit: int = 50) -> list[ConsentRecord]:
    """The member's consent changes, newest first (what, granted or withdrawn, when, through
    which face)."""
    return list(ConsentRecord.objects.filter(member_id=member_id).order_by("-recorded_at", "-pk")[:limit])


def interest_choices() -> QuerySet[Interest]:
    return Interest.objects.order_by("name")


def member_interest_ids(*, member_id: int) -> list[int]:
    return list(Member.interests.through.objects.filter(member_id=member_id)
                .order_by("interest_id").values_list("interest_id", flat=True))
