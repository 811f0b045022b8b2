"""partners.settlement holds nothing about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import exempt

from .models import CoPromotionRevenue, Statement, StatementLine

NOT_PERSONAL = exempt(CoPromotionRevenue, Statement, StatementLine,
                      reason="partner settlement totals; their user links are operator staff")
