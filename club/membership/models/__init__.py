from .cancellation import StripeCancellation
from .inbox import InboxOutcome, StripeEventInbox
from .membership import (
    ENTITLED_STATUSES,
    STRIPE_STATUS_MAP,
    STRIPE_TERMINAL_STATUSES,
    ClubMembership,
    MembershipSource,
    MembershipStatus,
)
from .price import BillingInterval, MembershipPrice
from .settings import MembershipSettings

__all__ = [
    "ENTITLED_STATUSES", "STRIPE_STATUS_MAP", "STRIPE_TERMINAL_STATUSES", "BillingInterval", "ClubMembership",
    "InboxOutcome", "MembershipPrice", "MembershipSettings", "MembershipSource", "MembershipStatus",
    "StripeCancellation", "StripeEventInbox",
]
