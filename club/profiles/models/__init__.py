from .churn import ChurnModel
from .pending import PendingRefresh
from .profile import MemberProfile
from .segments import SegmentOverride, SegmentRuleSet

__all__ = [
    "ChurnModel",
    "MemberProfile",
    "PendingRefresh",
    "SegmentOverride",
    "SegmentRuleSet",
]
