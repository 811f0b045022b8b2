"""Getting in, in chromium: a subscriber imported from billing signs up, confirms the email,
links the line with the code the SMS brings, sees the dashboard, sets up an authenticator app
and logs in with it; a password reset; and a wrong SMS code, up to the limit."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.utils import timezone

from club.members import sms
from club.members.models import Member
from rewards.tiers.models import MemberTier
from tests.factories import DEFAULT_PASSWORD, MemberFactory, TierFactory, UserFactory
from tests.integration.catalogue.factories import give_points

from .conftest import fill_sign_up, log_in

pytestmark = pytest.mark.e2e

EMAIL = "thu.le@example.test"
PASSWORD = "Sao-Mobile-club-2026"
NEW_PASSWORD = "A-fresh-Sao-passphrase-31"
MSISDN = "+84903123456"


def _link_in(message, path: str) -> str:
    return re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+/)", message.body).group(1)


def _sms_code(to: str) -> str:
    """The one-time code in the latest SMS the test backend kept for ``to``."""
    bodies = [message.body for message in sms.outbox if message.to == to]
    assert bodies, f"no SMS to {to}"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def _totp(secret: str, *, at: float | None = None) -> str:
    """What an authenticator app shows, by allauth's own TOTP helpers."""
    counter = int(at if at is not None else time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def _wait_for_the_next_totp_period() -> None:
    """allauth takes each TOTP code once: the login needs the code of a later period."""
    period = mfa_settings.TOTP_PERIOD
    time.sleep(period - time.time() % period + 0.5)


@pytest.fixture
def imported_line(db):
    """A line the billing import brought in: Silver, 1,250 points, no login yet."""
    silver = TierFactory(code="silver", name="Silver", rank=10)
    TierFactory(code="gold", name="Gold", rank=20, min_rolling_spend=10_000_000)
    member = MemberFactory(msisdn=MSISDN, account_number="ACC00031415", plan_name="Sao Max 200")
    today = timezone.localdate()
    MemberTier.objects.update_or_create(
        member=member,
        defaults={"tier": silver, "since": today - dt.timedelta(days=90),
                  "qualified_until": today + dt.timedelta(days=275)},
    )
    give_points(member, 1250)
    return member


def test_a_new_subscriber_signs_up_links_the_line_by_sms_and_logs_in_with_an_authenticator(
    page, shot, imported_line
):
    # when: signing up with email and password
    fill_sign_up(page, email=EMAIL, password=PASSWORD)
    shot("01-signup")
    page.get_by_role("button", name="Sign Up").click()

    # then: asked to confirm the address; one email carries the link
    page.wait_for_url("**/accounts/confirm-email/")
    shot("02-verification-sent")
    assert [m.to for m in mail.outbox] == [[EMAIL]]

    # when: opening the link and confirming
    page.goto(_link_in(mail.outbox[0], "/accounts/confirm-email/"))
    shot("03-confirm-email")
    page.get_by_role("button", name="Confirm").click()

    # then: logged in, on a dashboard that asks to link a line
    page.wait_for_url("**/portal/")
    shot("04-dashboard-unlinked")

    # when: linking by SMS code, typing the number the way people say it
    page.get_by_role("link", name="Link my line").click()
    shot("05-link-choose")
    page.get_by_role("link", name="Send me a code").click()
    page.get_by_label("Your mobile number").fill("090 312 3456")
    shot("06-link-number")
    page.get_by_role("button", name="Send code").click()
    page.wait_for_url("**/portal/link/code/verify/")
    assert "+84•••••3456" in page.get_by_role("status").first.inner_text()
    assert [m.to for m in sms.outbox] == [MSISDN]
    page.get_by_label("Code from the SMS").fill(_sms_code(MSISDN))
    shot("07-link-code")
    page.get_by_role("button", name="Link my line").click()

    # then: the dashboard shows the line, its tier and its points
    page.wait_for_url("**/portal/")
    assert page.get_by_text(f"Your line {MSISDN} is now linked.").is_visible()
    assert page.get_by_test_id("member-msisdn").inner_text() == MSISDN
    assert page.get_by_test_id("tier-name").inner_text() == "Silver"
    assert page.get_by_test_id("points-available").inner_text() == "1,250"
    assert Member.objects.get(pk=imported_line.pk).user.email == EMAIL
    shot("08-dashboard-linked")

    # when: setting up an authenticator app from the dashboard's security card
    page.get_by_role("link", name="Two-factor authentication").click()
    shot("09-mfa-index")
    page.get_by_role("link", name="Activate").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(PASSWORD)
    shot("10-reauthenticate")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Authenticator code").fill(_totp(secret))
    shot("11-totp-activate")
    page.get_by_role("button", name="Activate").click()

    # then: active, with recovery codes to keep
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    shot("12-totp-active")
    page.goto("/accounts/2fa/recovery-codes/")
    assert len(page.get_by_label("Unused codes").input_value().split()) == 10
    shot("13-recovery-codes")

    # when: logging out and in again
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: "/portal/" not in url)
    page.goto("/accounts/login/?next=/portal/")
    page.get_by_label("Email or mobile number").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # then: the password alone does not open the portal; the authenticator's code does
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    shot("14-totp-step")
    _wait_for_the_next_totp_period()
    page.get_by_label("Code").fill(_totp(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_test_id("member-msisdn").inner_text() == MSISDN
    shot("15-dashboard-after-totp")


def test_a_subscriber_resets_a_forgotten_password_and_logs_in_with_the_new_one(page, shot):
    # given: a linked subscriber who forgot the password
    user = UserFactory(email=EMAIL)
    MemberFactory(msisdn=MSISDN, user=user)

    # when: asking for a reset from the login page
    page.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("Forgot your password", re.I)).click()
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    shot("1-request")
    page.get_by_role("button", name="Reset My Password").click()

    # then: told to look in the mailbox, where one email has the link
    page.wait_for_url("**/accounts/password/reset/done/")
    shot("2-sent")
    assert [m.to for m in mail.outbox] == [[EMAIL]]

    # when: following the link and choosing a new password
    page.goto(_link_in(mail.outbox[0], "/accounts/password/reset/key/"))
    page.get_by_label(re.compile(r"^New Password:?$")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^New Password \(again\):?$")).fill(NEW_PASSWORD)
    shot("3-new-password")
    page.get_by_role("button", name="Change Password").click()

    # then: done; the old password no longer works and the new one does
    page.wait_for_url("**/accounts/password/reset/key/done/")
    shot("4-changed")
    user.refresh_from_db()
    assert not user.check_password(DEFAULT_PASSWORD)

    # when: going on to log in with the new password
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_label("Email or mobile number").fill(EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # then: the portal opens
    page.wait_for_url("**/portal/")
    assert page.get_by_test_id("member-msisdn").inner_text() == MSISDN
    shot("5-dashboard")


def test_wrong_sms_codes_get_a_clear_error_and_the_fifth_ends_the_code(page, shot):
    # given: a logged-in subscriber who asked for a code for a line of ours
    line = MemberFactory(msisdn=MSISDN)
    UserFactory(email=EMAIL)
    log_in(page, EMAIL, "/portal/")
    page.goto("/portal/link/code/")
    page.get_by_label("Your mobile number").fill("0903123456")
    page.get_by_role("button", name="Send code").click()
    page.wait_for_url("**/portal/link/code/verify/")
    right = _sms_code(MSISDN)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    code_field = page.get_by_label("Code from the SMS")

    # when: a wrong code
    code_field.fill(wrong)
    page.get_by_role("button", name="Link my line").click()

    # then: a clear error that says how many tries are left
    assert "This code is not right. You have 4 more tries." in page.locator(".field").inner_text()
    shot("1-wrong-code")

    # when: three more wrong codes, then a fifth
    for left in (3, 2, 1):
        code_field.fill(wrong)
        page.get_by_role("button", name="Link my line").click()
        page.get_by_text(f"You have {left} more tr").wait_for()
    code_field.fill(wrong)
    page.get_by_role("button", name="Link my line").click()

    # then: the code is spent: the page says so and has no field left to type into
    assert page.get_by_role("alert").inner_text().strip() == "Too many wrong codes. Ask for a new code."
    assert code_field.count() == 0
    shot("2-limit-reached")

    # when: trying the right code anyway, by going back to the code page
    page.goto("/portal/link/code/verify/")

    # then: sent to ask for a new code; nothing is linked
    page.wait_for_url("**/portal/link/code/")
    line.refresh_from_db()
    assert line.user is None
    shot("3-back-to-new-code")
