"""Writes of the tiers app: every mutation of a member's tier goes through these functions."""

from .evaluation import (
    TierChangeRecord,
    TierEvaluation,
    tier_evaluate_members,
    tier_recompute_all,
    tier_recompute_chunk,
)

__all__ = [
    "TierChangeRecord",
    "TierEvaluation",
    "tier_evaluate_members",
    "tier_recompute_all",
    "tier_recompute_chunk",
]
