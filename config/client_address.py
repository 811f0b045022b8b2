"""The client's address: one answer for the whole project (the audit log, the login and
verification limits, the portal's limits), whatever proxies stand in front (docs/security.md).

Behind ``TRUSTED_PROXY_COUNT`` proxies that each append the address they saw to
``X-Forwarded-For``, the client's address is the entry that many places from the right: the one
the outermost of our proxies wrote. Everything to its left came from the client and may be made
up, so it is never read. With 0 (no proxy, the default) the header is ignored and the peer
(``REMOTE_ADDR``) is the client.

A header that cannot be ours (fewer entries than proxies, or no address where ours should be)
is not trusted at all: the answer is then the peer, which the client cannot choose.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def address_parse(value: str) -> str | None:
    """``value`` as an IP address in its normal form, or None when it is not one. Accepts what
    proxies write: ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:5678``."""
    text = value.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # IPv4 with a port (an IPv6 address has two colons or more)
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address as our last trusted proxy saw it (see the module), or the peer's;
    None when even the peer's is not an address (a Unix socket without a proxy count)."""
    peer = address_parse(request.META.get("REMOTE_ADDR") or "")
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops <= 0 or not forwarded:
        return peer
    entries = forwarded.rsplit(",", hops)  # only our proxies' entries are split off
    forwarded_client = address_parse(entries[-hops]) if len(entries) >= hops else None
    if forwarded_client is None:
        logger.warning(
            "X-Forwarded-For does not hold %s proxies' entries (TRUSTED_PROXY_COUNT): using the peer's "
            "address", hops,
        )
        return peer
    return forwarded_client
