"""The account adapter answers a keyed digest of the client's address (docs/privacy.md): the
same address, or an IPv6 address of the same /64, gives the same digest; the address itself
never appears in it."""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory


def _digest(address: str) -> str:
    return get_adapter().get_client_ip(RequestFactory().get("/", REMOTE_ADDR=address))


@pytest.mark.parametrize(("one", "other", "is_same"), [
    ("203.0.113.57", "203.0.113.57", True),
    ("203.0.113.57", "203.0.113.58", False),
    ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),  # one /64, as allauth counts IPv6
    ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
], ids=["same-v4", "other-v4", "same-v6-64", "other-v6-64"])
def test_the_digest_groups_addresses_as_the_rate_limits_do(one, other, is_same):
    assert (_digest(one) == _digest(other)) is is_same


def test_the_digest_is_not_the_address():
    digest = _digest("203.0.113.57")

    assert re.fullmatch(r"[0-9a-f]{32}", digest) and "." not in digest
