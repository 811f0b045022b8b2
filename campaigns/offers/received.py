"""When an offer reached a member: the first delivery of that campaign occurrence that went out."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.db.models.functions import Coalesce

from campaigns.contact.models import Delivery, DeliveryStatus

REACHED = (DeliveryStatus.SENT, DeliveryStatus.VIEWED)


def offer_received_at(*, campaign_id: int, member_id: int, occurrence: str) -> dt.datetime | None:
    """On any channel: an offer sent by SMS and shown in the inbox is one offer."""
    return Delivery.objects.filter(
        campaign_id=campaign_id, member_id=member_id, occurrence=occurrence, status__in=REACHED
    ).aggregate(first=Min(Coalesce("sent_at", "reserved_at")))["first"]
