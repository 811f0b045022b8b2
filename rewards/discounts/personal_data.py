"""rewards.discounts holds nothing about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import exempt

from .models import DiscountSchedule, TenureBand, VolumeBracket

NOT_PERSONAL = exempt(DiscountSchedule, TenureBand, VolumeBracket,
                      reason="discount schedules; their user links are staff (locks, revisions)")
