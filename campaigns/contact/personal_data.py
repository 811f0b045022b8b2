"""What campaigns.contact holds about a member (``club/members/privacy_registry.py``): the
contact log stays whole (caps and campaign reports count it); a send error may quote the
member's address, so it goes."""

from club.members.privacy_registry import Erasure, Holding, exempt

from .models import CampaignBudget, ContactPolicy, ContactState, Delivery, Suppression

PERSONAL_DATA = (
    Holding(Delivery, "offer_deliveries", erasure=Erasure.BLANK, fields=("error",)),
    Holding(Suppression, "offer_suppressions", reason="why a message was held back (a cap's name)"),
    Holding(ContactState, "contact_state", reason="the member's lock row for cap checks: the key only"),
)

NOT_PERSONAL = exempt(CampaignBudget, ContactPolicy,
                      reason="campaign money and the contact policy (its columns are per channel)")
