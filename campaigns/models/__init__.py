from .campaign import (
    Campaign,
    Objective,
    OfferKind,
    RelationshipTier,
    ScheduleKind,
    Trigger,
)
from .message import SMS_MAX_LENGTH, CampaignMessage

__all__ = [
    "SMS_MAX_LENGTH",
    "Campaign",
    "CampaignMessage",
    "Objective",
    "OfferKind",
    "RelationshipTier",
    "ScheduleKind",
    "Trigger",
]
