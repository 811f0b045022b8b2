"""The member's current tier rank, from ``rewards.tiers`` (the tier restriction of rewards)."""

from __future__ import annotations

from rewards.tiers.selectors import current_tiers


def member_tier_rank(*, member_id: int) -> int:
    """The rank of the member's current tier (higher is better; 0 when no tier is published)."""
    return current_tiers(member_ids=[member_id])[member_id].rank
