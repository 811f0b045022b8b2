from .events import EventReceipt, InvalidStripeEvent, stripe_event_process, stripe_webhook_receive
from .reconcile import ReconcileReport, stripe_reconcile
from .subscriptions import membership_lock, subscription_apply

__all__ = [
    "EventReceipt", "InvalidStripeEvent", "ReconcileReport", "membership_lock", "stripe_event_process",
    "stripe_reconcile", "stripe_webhook_receive", "subscription_apply",
]
