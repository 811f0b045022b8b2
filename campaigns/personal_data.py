"""campaigns holds nothing about a member itself (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import exempt

from .models import Campaign, CampaignMessage

NOT_PERSONAL = exempt(Campaign, CampaignMessage,
                      reason="campaign definitions; their user links are staff (locks, revisions)")
