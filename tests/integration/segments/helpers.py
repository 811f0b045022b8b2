"""Hand-built members and profiles for the segment tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from club.profiles.models import MemberProfile
from tests.factories import MemberFactory

ON = dt.date(2026, 12, 1)
# A profile that matches no rule with the default thresholds: postpaid, mid spend, mid data,
# long tenure, no top-ups, no support contacts.
NEUTRAL = {
    "spend_3m": Decimal("900000"), "spend_prev_3m": Decimal("900000"), "spend_12m": Decimal("3600000"),
    "data_mb_3m": 9000, "data_mb_prev_3m": 9000,
}


def member_with_profile(*, profile: dict | None = None, consent: bool = True, **member_fields):
    """A member (consenting to profiling unless told) with a profile of ``NEUTRAL`` figures
    changed by ``profile``; ``profile=None`` and ``no_profile=True`` give no profile row."""
    no_profile = member_fields.pop("no_profile", False)
    member = MemberFactory(consent_profiling=consent, **member_fields)
    if not no_profile:
        MemberProfile.objects.create(
            member=member, as_of=ON, refreshed_at=timezone.now(), **{**NEUTRAL, **(profile or {})}
        )
    return member
