"""What rewards.billing holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Holding, Payload, exempt

from .models import BillingEvent, PendingReversal, QuarantinedEvent

PERSONAL_DATA = (
    Holding(BillingEvent, "billing_events",
            reason="the bills, top-ups and usage the points and reports were computed from; no "
                   "identifier (the member is a key)"),
)

NOT_PERSONAL = (
    *exempt(PendingReversal, reason="a reversal's wait for its original event: event ids only"),
    *exempt(QuarantinedEvent,
            reason="rejected input matched to no member, so no erasure can find it by member: its "
                   "payload is scrubbed of the member's identifiers (below) and purged after "
                   "QUARANTINE_RETENTION_DAYS (docs/ingestion.md)"),
)

# a refused event as received, and the reasons that quote its values (an unknown MSISDN)
PAYLOADS = (Payload(QuarantinedEvent, "raw"), Payload(QuarantinedEvent, "reasons"))
