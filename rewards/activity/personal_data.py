"""What rewards.activity holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Holding

from .models import MonthlyActivity

PERSONAL_DATA = (
    Holding(MonthlyActivity, "monthly_activity",
            reason="monthly spend and usage figures; the segment and tier reports read them"),
)
