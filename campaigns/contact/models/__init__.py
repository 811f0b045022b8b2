from .delivery import Delivery, DeliveryStatus, Suppression, SuppressionReason
from .policy import ContactPolicy
from .state import CampaignBudget, ContactState

__all__ = [
    "CampaignBudget",
    "ContactPolicy",
    "ContactState",
    "Delivery",
    "DeliveryStatus",
    "Suppression",
    "SuppressionReason",
]
