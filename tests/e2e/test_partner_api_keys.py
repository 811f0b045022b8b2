"""A partner's administrator makes an API key in chromium: the secret is shown once with a copy
button, works against the partner API, is rotated (both keys listed, the old one until its grace
ends) and revoked; the listing never shows a secret."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from partners.api.models import ApiKey
from partners.api.services.keys import api_key_cache_clear
from tests.partner_fixtures import PartnerUserFactory, partner_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def as_partner(page, live_server, user) -> None:
    """The portal's login with its TOTP step, as a session (tests.partner_fixtures)."""
    client = Client()
    partner_login(client, user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _promotions(page, secret: str) -> int:
    headers = {"Authorization": f"Bearer {secret}"}
    return page.request.get("/api/partner/v1/promotions", headers=headers).status


def test_an_admin_creates_copies_uses_rotates_and_revokes_a_key(page, live_server, shot):
    api_key_cache_clear()
    admin = PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")
    as_partner(page, live_server, admin.user)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    # given: the API keys page from the portal's menu
    page.goto("/partners/")
    page.get_by_role("navigation", name="Partner portal").get_by_role("link", name="API keys").click()
    page.wait_for_url("**/partners/api-keys/")
    assert page.get_by_text("No keys yet.").is_visible()
    shot("1-no-keys")

    # when: creating a key for the tills
    page.get_by_label("Name").fill("Stores till")
    page.get_by_label("Validate codes").check()
    page.get_by_label("Redeem codes").check()
    page.get_by_label("Read co-promotions and their figures").check()
    page.get_by_label("Requests per minute").fill("120")
    page.get_by_role("button", name="Create key").click()

    # then: the secret, once, with a copy button that puts it on the clipboard
    secret = page.locator("#new-key-secret").inner_text().strip()
    assert re.fullmatch(r"tpk_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}", secret)
    assert page.get_by_text("Copy it now: it will not be shown again.").is_visible()
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()  # the clipboard answers asynchronously
    assert page.evaluate("navigator.clipboard.readText()") == secret
    shot("2-created-once")
    assert _promotions(page, secret) == 200

    # and: the listing shows the prefix, scopes and limit, never the secret
    page.goto("/partners/api-keys/")
    row = page.locator("tr", has_text="Stores till")
    assert secret[:16] in row.inner_text() and secret not in page.content()
    assert "codes:redeem, codes:validate, promotions:read" in row.inner_text() and "120" in row.inner_text()

    # when: rotating it
    row.get_by_role("button", name="Rotate").click()
    new_secret = page.locator("#new-key-secret").inner_text().strip()
    assert new_secret != secret
    replaces = re.compile(r"It replaces tpk_[0-9a-f]{12}, which is still accepted until")
    assert page.get_by_text(replaces).is_visible()
    shot("3-rotated")
    assert _promotions(page, secret) == 200 and _promotions(page, new_secret) == 200

    # when: revoking the old key
    page.goto("/partners/api-keys/")
    old_row = page.locator("tr", has_text=secret[:16])
    assert "Replaced (accepted until" in old_row.inner_text()
    old_row.get_by_role("button", name="Revoke").click()
    page.wait_for_url("**/partners/api-keys/")

    # then: it is refused at once; the new one works
    assert page.get_by_text(f"Key {secret[:16]} is revoked.").is_visible()
    assert "Revoked" in page.locator("tr", has_text=secret[:16]).inner_text()
    shot("4-revoked")
    assert _promotions(page, secret) == 401 and _promotions(page, new_secret) == 200
    assert ApiKey.objects.filter(partner=admin.partner).count() == 2

    # and: the page fits a 360 px phone
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/partners/api-keys/")
    shot("5-phone")
