from .events import (
    DrainReport,
    EventReceipt,
    InvalidStripeEvent,
    stripe_event_process,
    stripe_event_receive,
    stripe_inbox_drain,
    stripe_webhook_receive,
)
from .reconcile import ReconcileReport, stripe_reconcile
from .subscriptions import membership_lock, subscription_apply

__all__ = [
    "DrainReport", "EventReceipt", "InvalidStripeEvent", "ReconcileReport", "membership_lock",
    "stripe_event_process", "stripe_event_receive", "stripe_inbox_drain",
    "stripe_reconcile", "stripe_webhook_receive", "subscription_apply",
]
