"""campaigns.audiences holds nothing about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import exempt

from .models import Audience

NOT_PERSONAL = exempt(Audience, reason="saved segment conditions and a count; the user links are staff")
