from .churn import ChurnModel
from .profile import MemberProfile
from .segments import SegmentOverride, SegmentRuleSet

__all__ = [
    "ChurnModel",
    "MemberProfile",
    "SegmentOverride",
    "SegmentRuleSet",
]
