"""What rewards.earning holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Holding, exempt

from .models import EarningCounter, EarningRule, EarningRuleMultiplier

PERSONAL_DATA = (
    Holding(EarningCounter, "earning_counters", reason="points counted towards a rule's cap"),
)

NOT_PERSONAL = exempt(EarningRule, EarningRuleMultiplier,
                      reason="earning rules; their user links are staff (locks, revisions)")
