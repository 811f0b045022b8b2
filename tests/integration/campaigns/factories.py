"""Campaigns, audiences and deliveries for the campaigns' tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from campaigns.audiences.models import Audience
from campaigns.contact.models import Delivery, DeliveryStatus
from campaigns.models import Campaign, CampaignMessage


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience

    name = factory.Sequence(lambda n: f"Audience {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    """A live, one-shot, portal campaign with an English message."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Campaign {n}")
    objective = "reward"
    relationship_tier = "financial"
    audience = factory.SubFactory(AudienceFactory)
    live = True

    @factory.post_generation
    def message(obj, create, extracted, **kwargs):
        if create:
            CampaignMessage.objects.create(campaign=obj, language="en", title=f"{obj.name} title",
                                           body="Body", sms_text="SMS")


def delivered(campaign, member, *, occurrence="once", channel="portal", at=None) -> Delivery:
    """A delivery that went out (``sent``) at ``at`` (now by default)."""
    at = at or timezone.now()
    return Delivery.objects.create(
        campaign=campaign, member=member, channel=channel, occurrence=occurrence,
        status=DeliveryStatus.SENT, reserved_at=at, sent_at=at,
    )
