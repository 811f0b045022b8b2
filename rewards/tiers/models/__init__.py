from .state import MemberTier, TierChange, TierChangeReason
from .tier import Tier, TierSettings

__all__ = ["MemberTier", "Tier", "TierChange", "TierChangeReason", "TierSettings"]
