"""The member's side of co-promotions: the code a member took from an offer, as the member
portal shows it (the member's own codes only; the partner never reads this module), and the
offer extension that gives the code when the member accepts the co-promotion's offer.

``offer_extension_register`` (from ``apps.py``) makes the co-promotion's campaign an offer the
member can take even though it is a "message only" campaign: ``offer_accept`` calls
``_accept`` inside its transaction, which claims the member's code (``copromotion_code_claim``:
the same code on a second click; an empty pool refuses the acceptance with a message).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.offers.extensions import OfferExtension, OfferExtra, OfferRefused

from .models import BenefitKind, CodeState, CoPromotion, PromotionCode
from .services import copromotion_code_claim

EXTENSION_NAME = "partner_code"


class MemberCodeState(StrEnum):
    AVAILABLE = "available"  # given, not used yet
    USED = "used"  # the partner redeemed it
    REVERSED = "reversed"  # redeemed, then the redemption reversed: usable again
    ENDED = "ended"  # not used, and the co-promotion has ended


@dataclass(frozen=True)
class MemberCode:
    code_id: int
    code: str
    partner_name: str
    title: str
    offer_text: str  # in the member's language, else English
    benefit: str  # what it gives, in words
    state: MemberCodeState
    starts_on: dt.date
    ends_on: dt.date
    taken_at: dt.datetime | None
    used_at: dt.datetime | None

    @property
    def state_label(self) -> str:
        return {
            MemberCodeState.AVAILABLE: _("Ready to use"),
            MemberCodeState.USED: _("Used"),
            MemberCodeState.REVERSED: _("Use cancelled by the partner: ready to use again"),
            MemberCodeState.ENDED: _("Promotion ended"),
        }[self.state]


def benefit_text(copromotion: CoPromotion) -> str:
    """What the code gives, in the member's words."""
    partner = copromotion.partner.name
    if copromotion.benefit_kind == BenefitKind.BONUS_POINTS:
        return _("%(points)s bonus points when you use it at %(partner)s") % {
            "points": number_format(copromotion.bonus_points, force_grouping=True), "partner": partner}
    if copromotion.benefit_kind == BenefitKind.DISCOUNT and copromotion.discount_percent is not None:
        return _("%(percent)s%% off at %(partner)s") % {
            "percent": number_format(copromotion.discount_percent.normalize()), "partner": partner}
    if copromotion.benefit_kind == BenefitKind.DISCOUNT:
        return _("%(amount)s VND off at %(partner)s") % {
            "amount": number_format(copromotion.discount_amount, force_grouping=True), "partner": partner}
    return _("A %(partner)s voucher: the code is the voucher") % {"partner": partner}


def _codes(member_id: int):
    return (
        PromotionCode.objects.filter(member_id=member_id)
        .exclude(state=CodeState.AVAILABLE)
        .select_related("copromotion__partner")
        .annotate(
            used_at=Max("redemptions__redeemed_at", filter=Q(redemptions__reversed_at__isnull=True)),
            reversals=Count("redemptions", filter=Q(redemptions__reversed_at__isnull=False)),
        )
        .order_by("-assigned_at", "-pk")
    )


def _member_code(row: PromotionCode, language: str, today: dt.date) -> MemberCode:
    copromotion = row.copromotion
    if row.state == CodeState.REDEEMED:
        state = MemberCodeState.USED
    elif today > copromotion.ends_on:
        state = MemberCodeState.ENDED
    elif row.reversals:
        state = MemberCodeState.REVERSED
    else:
        state = MemberCodeState.AVAILABLE
    return MemberCode(
        code_id=row.pk, code=row.code, partner_name=copromotion.partner.name, title=copromotion.title,
        offer_text=copromotion.offer_text(language), benefit=benefit_text(copromotion), state=state,
        starts_on=copromotion.starts_on, ends_on=copromotion.ends_on, taken_at=row.assigned_at,
        used_at=row.used_at if state == MemberCodeState.USED else None,
    )


def member_partner_codes(*, member_id: int, language: str, limit: int = 200) -> list[MemberCode]:
    """The member's co-promotion codes, newest first, in one query."""
    today = timezone.localdate()
    return [_member_code(row, language, today) for row in _codes(member_id)[:limit]]


def access_partner_code_for_member(*, member_id: int, code_id: int, language: str) -> MemberCode | None:
    """The only way the portal loads one code by an id from a request: the member's own, else
    None (the view answers 404, as for a code that does not exist)."""
    row = _codes(member_id).filter(pk=code_id).first()
    return _member_code(row, language, timezone.localdate()) if row else None


def member_code_for_copromotion(*, member_id: int, copromotion_id: int, language: str) -> MemberCode | None:
    row = _codes(member_id).filter(copromotion_id=copromotion_id).first()
    return _member_code(row, language, timezone.localdate()) if row else None


def _accept(*, campaign, member_id: int, occurrence: str, at: dt.datetime) -> None:
    claimed = copromotion_code_claim(member_id=member_id, copromotion_id=campaign.copromotion.pk)
    if not claimed.is_success:
        raise OfferRefused(claimed.error, claimed.message)


def _extra(*, campaign, member_id: int) -> OfferExtra | None:
    mine = member_code_for_copromotion(
        member_id=member_id, copromotion_id=campaign.copromotion.pk, language=get_language() or "en"
    )
    if mine is None:
        return None
    return OfferExtra(
        kind=EXTENSION_NAME, object_id=mine.code_id, code=mine.code,
        lines=(
            mine.benefit,
            _("From %(partner)s") % {"partner": mine.partner_name},
            _("Use it from %(start)s to %(end)s") % {
                "start": _date(mine.starts_on), "end": _date(mine.ends_on)},
        ),
    )


def _date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


COPROMOTION_OFFER = OfferExtension(name=EXTENSION_NAME, relation="copromotion", accept=_accept, extra=_extra)
