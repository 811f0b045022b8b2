"""Every movement of points goes through these services (contract: docs/rewards.md)."""

from .debits import (
    InsufficientPoints,
    points_adjust,
    points_refund,
    points_reverse_source,
    points_spend,
)
from .grants import PointsGrant, points_grant, points_grant_many
from .maintenance import points_clear_due, points_expire_due

__all__ = [
    "InsufficientPoints",
    "PointsGrant",
    "points_adjust",
    "points_clear_due",
    "points_expire_due",
    "points_grant",
    "points_grant_many",
    "points_refund",
    "points_reverse_source",
    "points_spend",
]
