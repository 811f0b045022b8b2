"""Writes of the catalogue: every mutation is a ``<entity>_<verb>(*, ...)`` function here."""

from .cancel import redemption_cancel
from .outbox import outbox_acknowledge, outbox_fail, outbox_requeue
from .redemption import receipt_of, redemption_create
from .results import (
    CancelErrorCode,
    CancelResult,
    RedemptionErrorCode,
    RedemptionReceipt,
    RedemptionResult,
)
from .shipping import fulfilment_mark_shipped
from .stock import reward_stock_adjust, reward_stock_make_unlimited
from .values import DeliveryAddress
from .vouchers import VoucherUploadReport, voucher_codes_generate, voucher_codes_upload

__all__ = [
    "CancelErrorCode",
    "CancelResult",
    "DeliveryAddress",
    "RedemptionErrorCode",
    "RedemptionReceipt",
    "RedemptionResult",
    "VoucherUploadReport",
    "fulfilment_mark_shipped",
    "outbox_acknowledge",
    "outbox_fail",
    "outbox_requeue",
    "receipt_of",
    "redemption_cancel",
    "redemption_create",
    "reward_stock_adjust",
    "reward_stock_make_unlimited",
    "voucher_codes_generate",
    "voucher_codes_upload",
]
