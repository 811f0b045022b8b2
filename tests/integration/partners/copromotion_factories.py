"""Co-promotions for the partners' tests, built through the services the portal uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign
from partners.copromotions.models import CoPromotion, PromotionCode
from partners.copromotions.services import (
    copromotion_approve,
    copromotion_code_claim,
    copromotion_codes_upload,
    copromotion_propose,
    copromotion_submit,
    copromotion_terms_set,
)
from partners.organisations.models import Partner, PartnerRole, PartnerUser
from tests.factories import MemberFactory, UserFactory
from tests.integration.campaigns.factories import delivered


def partner_with_user(name: str = "Streamly", *, role: str = PartnerRole.ADMIN) -> PartnerUser:
    partner, _ = Partner.objects.get_or_create(name=name, defaults={"slug": name.lower()})
    user = UserFactory()
    return PartnerUser.objects.create(user=user, partner=partner, role=role)


def proposal(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Two months of Streamly",
        "offer_text_en": "Two months of Streamly free for club members.",
        "offer_text_vi": "Hai tháng Streamly miễn phí.",
        "benefit_kind": "voucher",
        "budget": Decimal(1_000_000),
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=30),
        "suggested_segments": ["vip", "devicers"],
    }
    data.update(changes)
    return data


def running_copromotion(
    partner_user: PartnerUser,
    *,
    codes: list[str] | None = None,
    funding: Decimal = Decimal(10_000),
    price_per_point: Decimal = Decimal(0),
    **changes,
) -> CoPromotion:
    """Proposed, given codes, submitted, terms set, approved, its campaign live."""
    copromotion = copromotion_propose(
        partner_id=partner_user.partner_id, user_id=partner_user.user_id, data=proposal(**changes)
    )
    report = copromotion_codes_upload(
        copromotion_id=copromotion.pk, file="\n".join(codes or ["CODE-0001", "CODE-0002", "CODE-0003"])
    )
    assert report.is_success, report.problems
    copromotion_submit(
        copromotion_id=copromotion.pk, partner_id=partner_user.partner_id, user_id=partner_user.user_id
    )
    copromotion_terms_set(
        copromotion_id=copromotion.pk,
        user_id=None,
        funding_per_redemption=funding,
        price_per_point=price_per_point,
    )
    copromotion_approve(copromotion_id=copromotion.pk, user_id=None)
    copromotion.refresh_from_db()
    Campaign.objects.filter(pk=copromotion.campaign_id).update(live=True)
    copromotion.refresh_from_db()
    return copromotion


def give_code(copromotion: CoPromotion, member=None) -> PromotionCode:
    """The campaign reaches a member, who takes their code."""
    member = member or MemberFactory()
    delivered(copromotion.campaign, member)
    claimed = copromotion_code_claim(member_id=member.pk, copromotion_id=copromotion.pk)
    assert claimed.is_success, claimed.error
    return PromotionCode.objects.get(copromotion=copromotion, code=claimed.code)
