from .events import EventReceipt, InvalidStripeEvent, stripe_event_process, stripe_webhook_receive
from .subscriptions import membership_lock, subscription_apply

__all__ = [
    "EventReceipt", "InvalidStripeEvent", "membership_lock", "stripe_event_process", "stripe_webhook_receive",
    "subscription_apply",
]
