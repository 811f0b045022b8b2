"""What rewards.ledger holds about a member (``club/members/privacy_registry.py``): the ledger
is append-only and its totals must not change, so every row stays; none holds an identifier."""

from club.members.privacy_registry import Holding

from .models import LedgerEntry, LotMovement, PointLot, PointsAccount

_LEDGER = "the points ledger is append-only and its totals must not change; no identifier in it"
PERSONAL_DATA = (
    Holding(PointsAccount, "points_account", reason=_LEDGER),
    Holding(LedgerEntry, "ledger_entries", reason=_LEDGER),
    Holding(PointLot, "point_lots", reason=_LEDGER),
    Holding(LotMovement, "lot_movements", path="lot__member", reason=_LEDGER),
)
