"""Taking an offer: once per delivery occurrence, whatever the number of clicks or retries.

``offer_accept`` records the acceptance and gives what the offer gives in one transaction:
bonus points through the ledger (idempotency key per campaign, member and occurrence), a
discount on bills while the offer is valid (read by the discounts app's quotes), the
featured reward redeemed at its points price (the catalogue's own idempotent redemption), a
place at a club event (an RSVP, or the waitlist when it is full), a bundle ordered at the
member's price (the bundles' own idempotent order, keyed like the points), or nothing more for
a message or a page (the acceptance is the click). A campaign another app registered an offer
extension for (a partner's co-promotion: its code) also gets the extension's ``accept``, in the
same transaction (``extensions.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.contact.selectors import member_inbox
from campaigns.contact.services.impressions import impressions_record
from campaigns.models import Campaign, OfferKind
from club.events.services import rsvp_create
from rewards.bundles.choices import OrderSource
from rewards.bundles.services import bundle_order_place
from rewards.catalogue.services import redemption_create
from rewards.ledger.models import SourceType
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.services import points_grant

from .extensions import OfferRefused, offer_extension_for, offer_extension_relations
from .models import OfferAcceptance
from .received import offer_received_at
from .selectors import OfferCard, offer_cards, offer_delivery_for_member


@dataclass(frozen=True)
class OfferResult:
    acceptance: OfferAcceptance | None = None
    error: str = ""
    message: str = ""
    replayed: bool = False

    @property
    def is_success(self) -> bool:
        return self.acceptance is not None


class _Refused(Exception):
    def __init__(self, error: str, message: str):
        super().__init__(message)
        self.error, self.message = error, message


def offer_key(*, campaign_id: int, member_id: int, occurrence: str) -> str:
    return f"offer:{campaign_id}:{member_id}:{occurrence}"


def offer_accept(
    *, member_id: int, campaign_id: int, occurrence: str, at: dt.datetime | None = None
) -> OfferResult:
    at = at or timezone.now()
    existing = _accepted(campaign_id, member_id, occurrence)
    if existing is not None:
        return OfferResult(acceptance=existing, replayed=True)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.select_related("reward", *offer_extension_relations()).get(
                pk=campaign_id)
            received = offer_received_at(campaign_id=campaign_id, member_id=member_id, occurrence=occurrence)
            if received is None:
                raise _Refused("not_offered", _("This offer was not made to you."))
            if at > received + dt.timedelta(days=campaign.offer_valid_days):
                raise _Refused("expired", _("This offer has expired."))
            given = _give(campaign, member_id=member_id, occurrence=occurrence, at=at)
            extension = offer_extension_for(campaign)
            if extension is not None:
                extension.accept(campaign=campaign, member_id=member_id, occurrence=occurrence, at=at)
            acceptance = OfferAcceptance.objects.create(
                campaign=campaign, member_id=member_id, occurrence=occurrence, accepted_at=at,
                offer_kind=campaign.offer_kind, **given,
            )
    except (_Refused, OfferRefused) as refusal:
        return OfferResult(error=refusal.error, message=refusal.message)
    except Campaign.DoesNotExist:
        return OfferResult(error="not_offered", message=_("This offer was not made to you."))
    except IntegrityError:
        existing = _accepted(campaign_id, member_id, occurrence)  # a concurrent click won
        if existing is None:
            raise
        return OfferResult(acceptance=existing, replayed=True)
    return OfferResult(acceptance=acceptance)


def offer_accept_delivery(
    *, member_id: int, delivery_id: int, at: dt.datetime | None = None
) -> OfferResult:
    """Take the offer of one of the member's own deliveries (the portal's "Accept")."""
    found = offer_delivery_for_member(member_id=member_id, delivery_id=delivery_id)
    if found is None:
        return OfferResult(error="not_offered", message=_("This offer was not made to you."))
    campaign_id, occurrence = found
    return offer_accept(member_id=member_id, campaign_id=campaign_id, occurrence=occurrence, at=at)


def offers_show(*, member_id: int, language: str, at: dt.datetime | None = None) -> list[OfferCard]:
    """The inbox offers the portal may show the member now, recorded as seen: an offer seen
    for the first time is an impression, which the fatigue cap and the member's own weekly
    limit count, so offers over those caps wait for a later visit."""
    at = at or timezone.now()
    items = member_inbox(member_id=member_id, language=language, now=at)
    if all(item.seen for item in items):  # nothing new: seen offers are shown again, no cap to ask
        return offer_cards(member_id=member_id, items=items)
    seen = impressions_record(member_id=member_id, delivery_ids=[i.delivery_id for i in items], at=at)
    shown = set(seen.shown)
    return offer_cards(member_id=member_id, items=[i for i in items if i.delivery_id in shown])


def _accepted(campaign_id: int, member_id: int, occurrence: str) -> OfferAcceptance | None:
    return OfferAcceptance.objects.filter(
        campaign_id=campaign_id, member_id=member_id, occurrence=occurrence
    ).first()


def _give(campaign: Campaign, *, member_id: int, occurrence: str, at: dt.datetime) -> dict:
    """Give what the offer gives; returns the acceptance's fields that record it. A refusal
    (say, too few points for the reward) raises, and the transaction writes nothing."""
    key = offer_key(campaign_id=campaign.pk, member_id=member_id, occurrence=occurrence)
    if campaign.offer_kind == OfferKind.BONUS_POINTS:
        points_grant(
            member_id=member_id, points=campaign.bonus_points,
            reason=f"Bonus: {campaign.name}", source_type=SourceType.CAMPAIGN,
            reason_code=ReasonCode.CAMPAIGN_BONUS, reason_values={"campaign": campaign.name},
            source_ref=str(campaign.pk), idempotency_key=key, earned_at=at,
        )
        return {"points": campaign.bonus_points}
    if campaign.offer_kind == OfferKind.DISCOUNT:
        return {"discount_percent": campaign.discount_percent,
                "valid_until": timezone.localdate(at) + dt.timedelta(days=campaign.offer_valid_days)}
    if campaign.offer_kind == OfferKind.EVENT:
        booked = rsvp_create(event_id=campaign.event_id, member_id=member_id, at=at)
        if not booked.is_success:
            raise _Refused(str(booked.error), booked.message)
        return {"rsvp_id": booked.rsvp.rsvp_id}
    if campaign.offer_kind == OfferKind.BUNDLE:
        ordered = bundle_order_place(
            member_id=member_id, template_id=campaign.bundle_id, idempotency_key=key,
            extra_percent=campaign.discount_percent, source=OrderSource.CAMPAIGN, source_ref=str(campaign.pk),
            at=at,
        )
        if not ordered.is_success:
            raise _Refused(str(ordered.error), ordered.message)
        return {"bundle_order_id": ordered.order.order_id}
    if campaign.offer_kind == OfferKind.REWARD:
        result = redemption_create(
            member_id=member_id, reward_id=campaign.reward_id, idempotency_key=key, now=at
        )
        if not result.is_success:
            raise _Refused(str(result.error), result.message)
        return {"redemption_id": result.receipt.redemption_id}
    return {}
