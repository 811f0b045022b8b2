"""What club.membership holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Erasure, Holding, Payload

from .models import ClubMembership, StripeCancellation, StripeEventInbox

PERSONAL_DATA = (
    Holding(ClubMembership, "club_memberships", identifiers=("stripe_customer_id",),
            reason="Stripe's customer and subscription ids are keys to Stripe's own record, needed "
                   "to reconcile and refund; the person's data is Stripe's to erase"),
    Holding(StripeEventInbox, "stripe_events", erasure=Erasure.BLANK, fields=("payload",)),
    Holding(StripeCancellation, "stripe_cancellations",
            reason="the erased member's subscription to cancel at Stripe: Stripe's id, no person"),
)

# an event no membership claimed (``unmatched``) keeps Stripe's customer id, email and name
PAYLOADS = (Payload(StripeEventInbox, "payload"), Payload(StripeEventInbox, "last_error"))
