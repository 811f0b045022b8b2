"""What rewards.bundles holds about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import Erasure, Holding, Payload, exempt

from .models import BundleComponent, BundleOrder, BundleOutbox, BundleTemplate, BundleTemplateLine

PERSONAL_DATA = (
    Holding(BundleOrder, "bundle_orders", exclude=("request_fingerprint",),
            reason="orders are money: their totals stay for the billing system and the reports"),
    Holding(BundleOutbox, "bundle_outbox", erasure=Erasure.BLANK, fields=("msisdn", "account_number")),
)

NOT_PERSONAL = exempt(BundleComponent, BundleTemplate, BundleTemplateLine,
                      reason="the bundle catalogue; its user links are staff (locks, revisions)")

# what the billing system is sent for any order (lines, price): scrubbed in case it quotes a line
PAYLOADS = (Payload(BundleOutbox, "payload"),)
