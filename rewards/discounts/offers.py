"""Offer discounts: percentages that a higher layer (campaigns) grants a member for a while.

The discounts app cannot import campaigns (DESIGN.md's layer order), so campaigns registers a
source here at start-up: a function that answers, for a set of members and a day, the offer
discounts each has (``DiscountRate`` of kind ``offer``, with the reason the member reads). Quotes
and the dashboard add them on top of the schedule's volume and tenure discounts.

A source may also give a ``held`` expression for ``Member`` querysets: true when the member may
have its discounts on the day. A page that reads the member anyway (the dashboard) annotates
``offer_discounts_held`` and asks the sources only when it is true.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from django.db.models import BooleanField, Expression, Value

from .specs import DiscountRate

OfferDiscountSource = Callable[[Collection[int], dt.date], dict[int, list[DiscountRate]]]
HeldExpression = Callable[[dt.date], Expression]

_sources: list[OfferDiscountSource] = []
_held: dict[OfferDiscountSource, HeldExpression | None] = {}


def offer_discount_source_register(
    source: OfferDiscountSource, *, held: HeldExpression | None = None
) -> None:
    if source not in _sources:
        _sources.append(source)
        _held[source] = held


def offer_discounts_held(*, on: dt.date) -> Expression:
    """For ``Member`` querysets: true when some source may have discounts for the member on
    ``on`` (always true when a source cannot tell without its own query, or false with none)."""
    expressions = [_held[source] for source in _sources]
    if not expressions:
        return Value(False, output_field=BooleanField())
    if any(expression is None for expression in expressions):
        return Value(True, output_field=BooleanField())
    combined = expressions[0](on)
    for expression in expressions[1:]:
        combined = combined | expression(on)
    return combined


def offer_discounts_by_member(*, member_ids: Collection[int], on: dt.date) -> dict[int, list[DiscountRate]]:
    """Every registered source's discounts for ``member_ids`` on ``on`` (one call per source)."""
    found: dict[int, list[DiscountRate]] = {}
    if not member_ids:
        return found
    for source in _sources:
        for member_id, rates in source(member_ids, on).items():
            found.setdefault(member_id, []).extend(rates)
    return found
