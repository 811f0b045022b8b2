from .errors import SettlementRefused
from .revenue import revenue_set
from .statements import (
    StatementOutcome,
    statement_approve,
    statement_issue,
    statement_prepare,
    statements_prepare_month,
)

__all__ = [
    "SettlementRefused",
    "StatementOutcome",
    "revenue_set",
    "statement_approve",
    "statement_issue",
    "statement_prepare",
    "statements_prepare_month",
]
