"""A triggered campaign's daily condition, ANDed with its audience.

Each moment is picked up on exactly one day, so a daily run never sends it twice:

| trigger | members picked on day D |
|---|---|
| birthday | born on D's month and day (29 February: on 28 February in other years) |
| activation anniversary | activated on D's month and day, in an earlier year |
| tier up / down | moved up / down on D - 1 (a whole day: a change after the morning's run is not missed) |
| points expiring | with points in lots expiring on D + ``SENDS_POINTS_EXPIRING_NOTICE_DAYS`` (30) |

The SQL comes from the audience builder's lifecycle conditions, so a trigger and the audience
condition of the same name select the same members.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

POINTS_EXPIRING_NOTICE_DAYS = 30
ONE_DAY = dt.timedelta(days=1)


def trigger_filter(*, trigger: str, on: dt.date) -> Q:
    """The members whose ``trigger`` moment falls on the day ``on`` (a ``Q`` over Member)."""
    from campaigns.audiences.blocks.lifecycle import (
        AnniversaryCondition,
        BirthdayCondition,
        ExpiringPointsCondition,
        TierChangeCondition,
    )

    if trigger == "birthday":
        return BirthdayCondition().member_filter({"days": 0}, on=on)
    if trigger == "activation_anniversary":
        return AnniversaryCondition().member_filter({"days": 0}, on=on)
    if trigger in ("tier_up", "tier_down"):
        direction = "upgrade" if trigger == "tier_up" else "downgrade"
        return TierChangeCondition().member_filter(
            {"direction": direction, "days": 1, "to_tiers": []}, on=on - ONE_DAY
        )
    if trigger == "points_expiring":
        notice = int(getattr(settings, "SENDS_POINTS_EXPIRING_NOTICE_DAYS", POINTS_EXPIRING_NOTICE_DAYS))
        return ExpiringPointsCondition().member_filter(
            {"days": 0, "min_points": 1}, on=on + dt.timedelta(days=notice)
        )
    raise ValueError(f"unknown trigger {trigger!r}")
