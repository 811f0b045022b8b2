"""Reads of accepted offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.utils.translation import gettext as _

from rewards.discounts.choices import DiscountKind
from rewards.discounts.quote import percent_text
from rewards.discounts.specs import DiscountRate

from .models import OfferAcceptance


def offer_discounts_for_members(member_ids: Collection[int], on: dt.date) -> dict[int, list[DiscountRate]]:
    """Accepted discount offers valid on ``on``, by member, oldest acceptance first (one query).
    Registered with the discounts app, whose quotes add them on top of the schedule's."""
    rows = (
        OfferAcceptance.objects.filter(
            member_id__in=list(member_ids), offer_kind="discount",
            accepted_at__date__lte=on, valid_until__gte=on,
        )
        .order_by("accepted_at", "pk")
        .values_list("member_id", "discount_percent", "valid_until", "campaign__name")
    )
    found: dict[int, list[DiscountRate]] = {}
    for member_id, percent, valid_until, name in rows:
        reason = _("%(percent)s%% from the offer \"%(name)s\" (until %(until)s)") % {
            "percent": percent_text(percent), "name": name, "until": valid_until.isoformat()}
        found.setdefault(member_id, []).append(DiscountRate(DiscountKind.OFFER, percent, reason))
    return found
