from .revenue import CoPromotionRevenue
from .statement import (
    ISSUED_STATEMENT_MESSAGE,
    LineKind,
    Statement,
    StatementImmutableError,
    StatementLine,
    StatementState,
)

__all__ = [
    "ISSUED_STATEMENT_MESSAGE",
    "CoPromotionRevenue",
    "LineKind",
    "Statement",
    "StatementImmutableError",
    "StatementLine",
    "StatementState",
]
