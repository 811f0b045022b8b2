from .profile import MemberProfile
from .segments import SegmentOverride, SegmentRuleSet

__all__ = [
    "MemberProfile",
    "SegmentOverride",
    "SegmentRuleSet",
]
