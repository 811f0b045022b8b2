"""What rewards.tiers holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Holding, exempt

from .models import MemberTier, Tier, TierChange

PERSONAL_DATA = (
    Holding(MemberTier, "tier", reason="the tier is an aggregate the reports count"),
    Holding(TierChange, "tier_changes", reason="the tier history is an aggregate the reports count"),
)

NOT_PERSONAL = exempt(Tier, reason="tier definitions; their user links are staff (locks, revisions)")
