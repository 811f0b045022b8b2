"""Offers another app completes: a small registry, filled from that app's ``ready()``.

campaigns may not import the apps above it (partners). An app whose objects run as campaigns
(a partner's co-promotion, say) registers an ``OfferExtension`` naming the campaign's reverse
one-to-one relation that marks its campaigns. Then:

- the campaign's cached display loads that relation with the campaign (``select_related``: no
  query more, not even on a cold cache), so the inbox card knows, for free, that the offer is
  the extension's and can be taken (even a "message only" one) with its own button;
- ``offer_accept`` calls ``accept`` inside the acceptance's transaction, after the offer's own
  gift: raising ``OfferRefused`` refuses the whole acceptance (nothing is written), so what the
  extension gives is given exactly once, with the acceptance;
- ``offer_card`` (one card, after the accept, in its own request) asks ``extra`` for what the
  acceptance gave (a code and a few lines), shown on the card. The dashboard's inbox never asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OfferExtra:
    """What an extension gave with an accepted offer, as its card shows it."""

    kind: str  # the extension's name: the portal links the object by it
    object_id: int
    code: str  # what the member shows or types
    lines: tuple[str, ...]  # translated sentences: what it gives, from whom, when


class OfferRefused(Exception):
    """An extension refuses the acceptance: ``error`` is a stable code, ``message`` for the member."""

    def __init__(self, error: str, message: str):
        super().__init__(message)
        self.error, self.message = error, message


@dataclass(frozen=True)
class OfferExtension:
    name: str
    relation: str  # a reverse one-to-one of Campaign: campaigns that have it are this extension's
    # accept(campaign=, member_id=, occurrence=, at=): in the acceptance's transaction
    accept: Callable[..., None]
    # extra(campaign=, member_id=) -> OfferExtra | None: what the member got, read after the accept
    extra: Callable[..., OfferExtra | None]


_EXTENSIONS: dict[str, OfferExtension] = {}


def offer_extension_register(extension: OfferExtension) -> None:
    """Register (or replace, by name) an extension; called from an app's ``ready()``."""
    _EXTENSIONS[extension.name] = extension


def offer_extension_relations() -> tuple[str, ...]:
    """The relations to ``select_related`` with a campaign so ``offer_extension_for`` asks nothing."""
    return tuple(extension.relation for extension in _EXTENSIONS.values())


def offer_extension_for(campaign) -> OfferExtension | None:
    """The extension whose campaign this is, else None (no query when the campaign was loaded
    with ``offer_extension_relations()``)."""
    for extension in _EXTENSIONS.values():
        if hasattr(campaign, extension.relation):  # a missing reverse one-to-one raises AttributeError
            return extension
    return None
