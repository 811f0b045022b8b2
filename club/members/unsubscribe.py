"""Unsubscribe tokens: a signed (member, channel) pair carried by every marketing email.

The token is ``django.core.signing.Signer(salt=...).sign_object``: the payload is compact
JSON in URL-safe base64, followed by an HMAC of it keyed by ``SECRET_KEY`` and the salt. It
never expires (an old email's link must keep working) and cannot be forged or altered
without the key; rotating ``SECRET_KEY`` keeps old links valid while the previous key is in
``SECRET_KEY_FALLBACKS``. Reading a token touches no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from .models import Channel, ConsentPurpose

SALT = "troika.members.unsubscribe"

# The channels a token may name, and the consent each one turns off.
CONSENT_PURPOSE_BY_CHANNEL = {
    Channel.EMAIL: ConsentPurpose.CHANNEL_EMAIL,
}


class UnsubscribeTokenInvalid(Exception):
    """The token was not made here (tampered, truncated, or signed with another key)."""


@dataclass(frozen=True)
class UnsubscribeTarget:
    member_id: int
    channel: str


def unsubscribe_token_make(*, member_id: int, channel: str = Channel.EMAIL) -> str:
    if channel not in CONSENT_PURPOSE_BY_CHANNEL:
        raise ValueError(f"no unsubscribe link for the channel {channel!r}")
    return signing.Signer(salt=SALT).sign_object({"m": member_id, "c": str(channel)})


def unsubscribe_token_read(*, token: str) -> UnsubscribeTarget:
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError) as exc:
        raise UnsubscribeTokenInvalid from exc
    if not isinstance(payload, dict):
        raise UnsubscribeTokenInvalid
    member_id, channel = payload.get("m"), payload.get("c")
    if type(member_id) is not int or channel not in CONSENT_PURPOSE_BY_CHANNEL:
        raise UnsubscribeTokenInvalid
    return UnsubscribeTarget(member_id=member_id, channel=channel)
