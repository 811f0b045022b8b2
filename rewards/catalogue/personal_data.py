"""What rewards.catalogue holds about a member (``club/members/privacy_registry.py``):
redemptions and voucher codes stay (stock, limits and the ledger count them); the delivery
address goes; the network outbox's copies of the line's numbers become the member's pseudonyms."""

from club.members.privacy_registry import Erasure, Holding, Payload, exempt

from .models import Fulfilment, NetworkOutbox, Redemption, Reward, RewardStock, VoucherCode

PERSONAL_DATA = (
    Holding(Redemption, "redemptions", erasure=Erasure.BLANK, fields=("delivery_address",),
            exclude=("request_fingerprint",)),
    Holding(Fulfilment, "fulfilments", path="redemption__member", erasure=Erasure.BLANK,
            fields=("address",)),
    Holding(VoucherCode, "voucher_codes", path="redemption__member",
            reason="the code is the reward the member was given; it names nobody"),
    Holding(NetworkOutbox, "network_outbox", erasure=Erasure.BLANK, fields=("msisdn", "account_number")),
)

NOT_PERSONAL = exempt(Reward, RewardStock,
                      reason="the rewards catalogue; its user links are staff (locks, revisions)")

# the network's answer to a failed provisioning may quote the line
PAYLOADS = (Payload(NetworkOutbox, "last_error"),)
