"""Writes of the earning app: points for billing events and the anniversary bonus."""

from ..evaluation import EarningEvent
from .accrual import points_for_events
from .anniversary import earning_anniversary_grant

__all__ = ["EarningEvent", "earning_anniversary_grant", "points_for_events"]
