"""Reads of accepted offers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from campaigns.contact.models import Delivery
from campaigns.contact.selectors import InboxItem, member_inbox
from campaigns.models import OfferKind
from rewards.discounts.choices import DiscountKind
from rewards.discounts.quote import percent_text
from rewards.discounts.specs import DiscountRate
from rewards.prepared import PreparedRead, any_of

from .extensions import OfferExtra, offer_extension_for
from .models import OfferAcceptance
from .texts import offer_summary


def _offer_discount_rows(*, member_ids: list[int], on: dt.date):
    return (
        OfferAcceptance.objects.filter(
            any_of(OfferAcceptance, "member", member_ids), offer_kind="discount",
            accepted_at__date__lte=on, valid_until__gte=on,
        )
        .order_by("accepted_at", "pk")
        .values_list("member_id", "discount_percent", "valid_until", "campaign__name")
    )


def offer_discounts_held_on(on: dt.date) -> Exists:
    """For ``Member`` querysets: the member has an accepted discount offer valid on ``on``."""
    return Exists(OfferAcceptance.objects.filter(
        member_id=OuterRef("pk"), offer_kind="discount", accepted_at__date__lte=on, valid_until__gte=on))


_OFFER_DISCOUNTS = PreparedRead(_offer_discount_rows, samples=(
    {"member_ids": [1], "on": dt.date(2001, 1, 1)}, {"member_ids": [2], "on": dt.date(2002, 2, 2)}))


def offer_discounts_for_members(member_ids: Collection[int], on: dt.date) -> dict[int, list[DiscountRate]]:
    """Accepted discount offers valid on ``on``, by member, oldest acceptance first (one query).
    Registered with the discounts app, whose quotes add them on top of the schedule's."""
    found: dict[int, list[DiscountRate]] = {}
    for member_id, percent, valid_until, name in _OFFER_DISCOUNTS(member_ids=sorted(member_ids), on=on):
        reason = _("%(percent)s%% from the offer \"%(name)s\" (until %(until)s)") % {
            "percent": percent_text(percent), "name": name, "until": valid_until.isoformat()}
        found.setdefault(member_id, []).append(DiscountRate(DiscountKind.OFFER, percent, reason))
    return found


@dataclass(frozen=True)
class OfferCard:
    """One offer in the member's portal inbox, as the dashboard shows it."""

    delivery_id: int
    campaign_id: int
    title: str
    body: str
    summary: str
    offer_kind: str
    valid_until: dt.datetime
    taken: bool
    page_url: str = ""
    extension: str = ""  # the name of the offer extension whose campaign it is (extensions.py)
    extra: OfferExtra | None = None  # what the extension gave, on ``offer_card``'s card only

    @property
    def acceptable(self) -> bool:
        """It has an "Accept" button: anything but a message, or an extension's offer."""
        return self.offer_kind != OfferKind.MESSAGE or bool(self.extension)


def _offer_url(campaign) -> str:
    """Where a taken offer leads: the page, the event or the survey in the portal."""
    if campaign.offer_kind == OfferKind.SURVEY:
        return campaign.survey.get_portal_url() if campaign.survey_id else ""
    page = {OfferKind.CONTENT_PAGE: campaign.content_page, OfferKind.EVENT: campaign.event}.get(
        campaign.offer_kind)
    return page.url if page else ""


def offer_cards(*, member_id: int, items: Sequence[InboxItem]) -> list[OfferCard]:
    """Cards for inbox items (as ``member_inbox`` gives them, with their campaign and
    occurrence), in their order, each knowing whether the member took it: one query whatever
    the number of items."""
    if not items:
        return []
    campaign_ids = {item.campaign_id for item in items}
    taken = set(OfferAcceptance.objects.filter(member_id=member_id, campaign_id__in=campaign_ids)
                .values_list("campaign_id", "occurrence"))
    cards = []
    for item in items:
        campaign = item.campaign
        extension = offer_extension_for(campaign)  # loaded with the cached campaign: no query
        cards.append(OfferCard(
            delivery_id=item.delivery_id, campaign_id=item.campaign_id, title=item.title, body=item.body,
            summary=offer_summary(campaign), offer_kind=campaign.offer_kind, valid_until=item.valid_until,
            taken=(item.campaign_id, item.occurrence) in taken, page_url=_offer_url(campaign),
            extension=extension.name if extension else "",
        ))
    return cards


def offer_card(*, member_id: int, delivery_id: int, language: str) -> OfferCard | None:
    """One card of the member's inbox (after they took it, say), or None if it is not there;
    a taken extension's offer comes with what the extension gave (``extra``)."""
    items = [i for i in member_inbox(member_id=member_id, language=language) if i.delivery_id == delivery_id]
    card = next(iter(offer_cards(member_id=member_id, items=items)), None)
    if card is None or not card.taken or not card.extension:
        return card
    extension = offer_extension_for(items[0].campaign)
    return dataclasses.replace(card, extra=extension.extra(campaign=items[0].campaign, member_id=member_id))


def offer_delivery_for_member(*, member_id: int, delivery_id: int) -> tuple[int, str] | None:
    """``(campaign id, occurrence)`` of one of the member's own campaign deliveries, else None:
    the only way the portal turns an id from a request into an offer."""
    return (Delivery.objects.filter(pk=delivery_id, member_id=member_id, campaign__isnull=False)
            .values_list("campaign_id", "occurrence").first())
