from .outbox import NetworkOutbox, OutboxKind, OutboxState
from .redemption import Fulfilment, FulfilmentState, Redemption, RedemptionState
from .reward import (
    CODE_KINDS,
    NETWORK_KINDS,
    SHIPPED_KINDS,
    LimitPeriod,
    Reward,
    RewardKind,
    RewardStock,
)
from .voucher import VoucherCode, VoucherState

__all__ = [
    "CODE_KINDS",
    "NETWORK_KINDS",
    "SHIPPED_KINDS",
    "Fulfilment",
    "FulfilmentState",
    "LimitPeriod",
    "NetworkOutbox",
    "OutboxKind",
    "OutboxState",
    "Redemption",
    "RedemptionState",
    "Reward",
    "RewardKind",
    "RewardStock",
    "VoucherCode",
    "VoucherState",
]
