"""The digest of a billing detail (e.g. the latest bill's total) that proves who holds an account.

The import stores only this digest (``Member.billing_detail_digest``); line linking computes it
from what the subscriber types and compares. Both sides normalise the same way: spaces removed,
lower-cased, so "1 889.50" and "1889.50" match.
"""

from django.utils.crypto import salted_hmac

_SALT = "troika.members.billing_detail"


def billing_detail_digest(value: str) -> str:
    """HMAC-SHA256 (keyed with SECRET_KEY) of the normalised value, as 64 hex characters."""
    return salted_hmac(_SALT, "".join(value.split()).lower(), algorithm="sha256").hexdigest()
