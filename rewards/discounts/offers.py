"""Offer discounts: percentages that a higher layer (campaigns) grants a member for a while.

The discounts app cannot import campaigns (DESIGN.md's layer order), so campaigns registers a
source here at start-up: a function that answers, for a set of members and a day, the offer
discounts each has (``DiscountRate`` of kind ``offer``, with the reason the member reads). Quotes
and the dashboard add them on top of the schedule's volume and tenure discounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from .specs import DiscountRate

OfferDiscountSource = Callable[[Collection[int], dt.date], dict[int, list[DiscountRate]]]

_sources: list[OfferDiscountSource] = []


def offer_discount_source_register(source: OfferDiscountSource) -> None:
    if source not in _sources:
        _sources.append(source)


def offer_discounts_by_member(*, member_ids: Collection[int], on: dt.date) -> dict[int, list[DiscountRate]]:
    """Every registered source's discounts for ``member_ids`` on ``on`` (one call per source)."""
    found: dict[int, list[DiscountRate]] = {}
    if not member_ids:
        return found
    for source in _sources:
        for member_id, rates in source(member_ids, on).items():
            found.setdefault(member_id, []).extend(rates)
    return found
