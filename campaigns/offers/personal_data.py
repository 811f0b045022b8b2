"""What campaigns.offers holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Holding

from .models import OfferAcceptance

PERSONAL_DATA = (
    Holding(OfferAcceptance, "offer_acceptances", reason="offers taken; the campaign reports count them"),
)
