"""The audit entry records the client's address as the project reads it everywhere
(config/client_address.py): behind TRUSTED_PROXY_COUNT proxies the forwarded one, else the peer;
a spoofed hop or a malformed header never decides it (docs/audit.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from club.audit.services import PERSONAL_DATA_VIEWED
from tests.factories import MemberFactory
from tests.integration.audit.helpers import only_entry
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

BALANCER = "10.0.0.1"


@pytest.mark.parametrize(
    ("hops", "forwarded", "recorded"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (0, "198.51.100.7", BALANCER),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, definitely not an address", BALANCER),
        (2, "198.51.100.7", BALANCER),
    ],
    ids=["forwarded-client", "no-proxy-count-peer", "spoofed-hop-ignored", "garbage-peer", "short-peer"],
)
def test_the_audit_entry_records_the_client_address(client, settings, hops, forwarded, recorded):
    # given: a staff member behind our load balancer, which appends to X-Forwarded-For
    settings.TRUSTED_PROXY_COUNT = hops
    member = MemberFactory()
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "members.view_member"))

    # when: they open a member's page
    response = client.get(
        reverse("member:inspect", args=[member.pk]), REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=forwarded
    )

    # then
    assert response.status_code == 200
    assert only_entry(action=PERSONAL_DATA_VIEWED).ip == recorded
