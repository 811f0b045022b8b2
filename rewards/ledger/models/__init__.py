from .account import PointsAccount
from .entry import EntryKind, LedgerEntry, LotMovement, SourceType
from .lot import LotStatus, PointLot
from .settings import ExpiryPolicy, LedgerSettings

__all__ = [
    "EntryKind",
    "ExpiryPolicy",
    "LedgerEntry",
    "LedgerSettings",
    "LotMovement",
    "LotStatus",
    "PointLot",
    "PointsAccount",
    "SourceType",
]
