from .rule import (
    CapPeriod,
    EarningCounter,
    EarningKind,
    EarningRule,
    EarningRuleMultiplier,
    MultiplierDimension,
    Stacking,
)

__all__ = [
    "CapPeriod",
    "EarningCounter",
    "EarningKind",
    "EarningRule",
    "EarningRuleMultiplier",
    "MultiplierDimension",
    "Stacking",
]
