from .events import BillingEvent, EventKind, EventSource, EventState, PendingReversal
from .quarantine import QuarantinedEvent, QuarantineReason

__all__ = [
    "BillingEvent",
    "EventKind",
    "EventSource",
    "EventState",
    "PendingReversal",
    "QuarantineReason",
    "QuarantinedEvent",
]
