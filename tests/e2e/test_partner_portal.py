"""A partner's new analyst joins in chromium: opens the emailed invitation link, chooses a
password, logs in, is sent to set up an authenticator app (TOTP computed from the secret the
page shows), and lands on the partner's dashboard. A subscriber's portal stays closed to them."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail

from partners.organisations.models import PartnerRole, PartnerUser
from partners.organisations.services import partner_user_invite
from tests.factories import StaffUserFactory
from tests.partner_fixtures import PartnerFactory

pytestmark = pytest.mark.e2e

EMAIL = "linh.tran@streamly.example"
PASSWORD = "streamly-analyst-passphrase-7"


def _totp(secret: str) -> str:
    """What an authenticator app shows now, by allauth's own TOTP helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@pytest.fixture
def invitation_link(db, live_server) -> str:
    partner = PartnerFactory(name="Streamly", slug="streamly")
    partner_user_invite(actor=StaffUserFactory(), partner=partner, email=EMAIL, role=PartnerRole.ANALYST)
    (message,) = [m for m in mail.outbox if m.to == [EMAIL]]  # sent after commit (live_server commits)
    return re.search(r"https?://\S+/partners/invitation/\S+/", message.body).group(0)


def test_an_invited_analyst_sets_a_password_and_mfa_and_reaches_the_dashboard(page, shot, invitation_link):
    # given: the link from the email
    path = invitation_link.split("://", 1)[1].split("/", 1)[1]
    page.goto(f"/{path}")
    assert page.get_by_role("heading", name="Join Streamly").is_visible()
    shot("1-invitation")

    # when: choosing a password
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSWORD)
    page.get_by_role("button", name="Set the password and join").click()

    # then: asked to log in; the password opens the way to the MFA set-up, not the portal
    page.wait_for_url("**/accounts/login/**")
    assert page.get_by_text("Your password is set.").is_visible()
    shot("2-log-in")
    page.get_by_label("Email or mobile number").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        shot("3-reauthenticate")
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url("**/accounts/2fa/totp/activate/**")

    # when: entering the code of the secret the page shows
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Authenticator code").fill(_totp(secret))
    shot("4-totp-activate")
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    if not page.url.rstrip("/").endswith("/partners"):
        page.goto("/partners/")

    # then: setting TOTP up is not entering a code at login: the portal asks for one
    page.wait_for_url("**/accounts/2fa/reauthenticate/**")
    page.get_by_label(re.compile(r"^Code:?$")).fill(_totp(secret))
    shot("5-mfa-code")
    page.get_by_role("button", name="Confirm").click()

    # then: the partner's dashboard, with its name and the analyst's role
    page.wait_for_url("**/partners/")
    assert page.get_by_role("heading", name="Streamly", level=1).is_visible()
    assert page.locator(".partner-user").inner_text().startswith(EMAIL)
    assert PartnerUser.objects.get(user__email=EMAIL).role == PartnerRole.ANALYST
    shot("6-dashboard")

    # and: the team page (no actions for an analyst), and the member portal stays closed
    page.get_by_role("navigation", name="Partner portal").get_by_role("link", name="Team").click()
    page.wait_for_url("**/partners/team/")
    assert page.get_by_role("button", name="Change role").count() == 0
    shot("7-team")
    response = page.goto("/portal/")
    assert response.status == 403
    shot("8-member-portal-closed")

    # and: the portal fits a 360 px phone
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/partners/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("9-dashboard-phone")
