"""One answer for the client's address (config/client_address.py, docs/security.md): the
X-Forwarded-For entry our last trusted proxy wrote, never an entry the client could write, and
the peer whenever the header is not what our proxies make."""

import pytest
from django.test import RequestFactory

from config.client_address import address_parse, client_address

PEER = "10.0.0.1"  # the load balancer, as the web process sees it


def _address(settings, hops: int, forwarded: str | None, peer: str = PEER) -> str | None:
    settings.TRUSTED_PROXY_COUNT = hops
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=peer, **headers))


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, None, PEER),
        (0, "198.51.100.7", PEER),  # no proxy configured: the header is anybody's
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entry is ignored
        (1, "6.6.6.6,5.5.5.5,198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, None, PEER),
        (1, "", PEER),
        (1, "not-an-address", PEER),
        (1, "198.51.100.7, <script>", PEER),  # where our proxy's entry should be: garbage
        (1, "198.51.100.7,", PEER),
        (2, "198.51.100.7", PEER),  # fewer entries than proxies: not from them
        (1, "x" * 8000 + ",198.51.100.7", "198.51.100.7"),
        (1, "198.51.100.7:51234", "198.51.100.7"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "2001:DB8:0::7", "2001:db8::7"),
    ],
    ids=[
        "no-proxy", "no-proxy-header-ignored", "one-proxy", "one-proxy-spoofed-hop",
        "one-proxy-spoofed-hops", "two-proxies", "one-proxy-no-header", "one-proxy-empty-header",
        "garbage", "garbage-in-our-entry", "empty-last-entry", "short-header", "long-spoofed-part",
        "v4-with-port", "v6-with-port", "v6-normalised",
    ],
)
def test_the_client_address_trusts_only_the_configured_hops(settings, hops, forwarded, expected):
    assert _address(settings, hops, forwarded) == expected


def test_a_peer_that_is_no_address_gives_none(settings):
    assert _address(settings, 0, None, peer="") is None
    assert _address(settings, 1, "garbage", peer="unix-socket") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("203.0.113.5", "203.0.113.5"), (" 203.0.113.5 ", "203.0.113.5"), ("[::1]", "::1"),
     ("[::1", None), ("203.0.113.999", None), ("1.2.3.4:5:6", None), ("", None)],
)
def test_address_parse_accepts_only_addresses(value, expected):
    assert address_parse(value) == expected
