"""The campaign a submitted co-promotion runs as.

On submission the co-promotion gets a draft ``Campaign`` (and its own ``Audience``, from the
partner's suggested segments): a portal message per language the partner wrote, going live on
the start date and expiring after the end date. Marketers finish it in the admin (audience,
caps, channels, schedule) and send it through the campaigns' approval workflow; its approval
approves the co-promotion (``review.py``). Members then receive it under the same frequency
caps as every campaign, and take their code from the offer (``copromotion_code_claim``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campaigns.audiences.models import Audience
from campaigns.models import Campaign, CampaignMessage, Objective, OfferKind, RelationshipTier

from ..models import CoPromotion

LANGUAGE_FIELDS = (
    ("en", "offer_text_en"),
    ("vi", "offer_text_vi"),
    ("zh-hans", "offer_text_zh_hans"),
    ("ru", "offer_text_ru"),
)


def campaign_for_copromotion(copromotion: CoPromotion, *, user_id: int) -> Campaign:
    """The co-promotion's campaign, created as a draft (its first revision saved); a
    resubmission after a rejection reuses the campaign it already has."""
    if copromotion.campaign_id:
        return copromotion.campaign
    name = f"{copromotion.partner.name}: {copromotion.title}"[:120]
    audience = Audience.objects.create(
        name=f"Co-promotion {copromotion.pk}: {copromotion.title}"[:120],
        description=f"Suggested by {copromotion.partner.name}",
        conditions=[("segment", {"segments": copromotion.suggested_segments})]
        if copromotion.suggested_segments
        else [],
    )
    campaign = Campaign(
        name=name,
        objective=Objective.REWARD,
        relationship_tier=RelationshipTier.FINANCIAL,
        audience=audience,
        offer_kind=OfferKind.MESSAGE,
        send_portal=True,
        go_live_at=_local_midnight(copromotion.starts_on),
        expire_at=_local_midnight(copromotion.ends_on + dt.timedelta(days=1)),
        live=False,
    )
    campaign.save()
    for language, field in LANGUAGE_FIELDS:
        text = getattr(copromotion, field)
        if text:
            CampaignMessage.objects.create(
                campaign=campaign, language=language, title=copromotion.title[:120], body=text
            )
    campaign.save_revision(user=_user(user_id), log_action=True)
    return campaign


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _user(user_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first()
