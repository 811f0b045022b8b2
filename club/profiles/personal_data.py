"""What club.profiles holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Erasure, Holding, exempt

from .models import MemberProfile, PendingRefresh, SegmentOverride, SegmentRuleSet

PERSONAL_DATA = (
    Holding(MemberProfile, "usage_profile", erasure=Erasure.BLANK,
            fields=("churn_score", "churn_factors", "churn_scored_at")),
    Holding(SegmentOverride, "segment_overrides", erasure=Erasure.BLANK, fields=("reason",)),
)

NOT_PERSONAL = (
    *exempt(SegmentRuleSet, reason="the segment thresholds; its user links are staff (revisions)"),
    *exempt(PendingRefresh, reason="a member id and when their refresh was asked for; deleted when done"),
)
