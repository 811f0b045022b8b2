"""Sign up, confirm the email, log out, log in: through the real portal pages in chromium."""

import re

import pytest
from django.core import mail

from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory

from .conftest import fill_sign_up

pytestmark = pytest.mark.e2e

EMAIL = "linh.nguyen@example.test"
PASSWORD = "Sao-Mobile-club-2025"


def _confirmation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_sign_up_confirm_log_out_and_log_in_by_email(page, shot):
    # given: the home page, not logged in
    page.goto("/accounts/signup/")
    assert page.get_by_role("heading", name="Sign Up").is_visible()

    # when: signing up
    fill_sign_up(page, email=EMAIL, password=PASSWORD)
    shot("1-signup-form")
    page.get_by_role("button", name="Sign Up").click()

    # then: asked to verify the address, and one email carries the link
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("heading", name="Verify Your Email Address").is_visible()
    shot("2-verification-sent")
    assert [m.to for m in mail.outbox] == [[EMAIL]]

    # when: following the link and confirming
    page.goto(_confirmation_path(mail.outbox[0]))
    shot("3-confirm-email")
    page.get_by_role("button", name="Confirm").click()

    # then: logged in on the dashboard, prompted to link a line
    page.wait_for_url("**/portal/")
    assert page.get_by_role("heading", name="My club", exact=True).is_visible()
    assert page.get_by_role("link", name="Link my line").is_visible()

    # when: logging out, then in again by email
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: "/portal/" not in url)
    page.goto("/portal/")
    page.wait_for_url("**/accounts/login/?next=/portal/")
    page.get_by_label("Email or mobile number").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    shot("4-login-form")
    page.get_by_role("button", name="Sign In").click()

    # then
    page.wait_for_url("**/portal/")
    assert page.get_by_role("heading", name="My club", exact=True).is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()
    shot("5-dashboard")


def test_a_demo_subscriber_logs_in_by_phone_and_sees_the_linked_line(page, shot):
    # given: a subscriber whose login is linked to a line, as load_demo makes them
    user = UserFactory(email="demo.subscriber@example.test", phone="+84912345678", phone_verified=True)
    MemberFactory(msisdn="+84912345678", account_number="ACC00012345", plan_name="Sao Max 200", user=user)

    # when: logging in with the national form of the number
    page.goto("/accounts/login/?next=/portal/")
    page.get_by_label("Email or mobile number").fill("0912 345 678")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # then: the dashboard shows the line
    page.wait_for_url("**/portal/")
    assert page.get_by_test_id("member-msisdn").inner_text() == "+84912345678"
    assert page.get_by_text("ACC00012345").is_visible()
    assert page.get_by_text("Sao Max 200", exact=False).is_visible()
    shot("dashboard-linked")

    # and on a phone-sized screen the page still fits
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("dashboard-linked-mobile")


def test_a_subscriber_links_a_line_with_the_bill_and_sees_it(page, shot):
    # given: a logged-in subscriber with no line yet, and a line whose last bill came to 1,234,000
    from club.members.services.billing_detail import billing_detail_digest

    UserFactory(email="an.tran@example.test")
    MemberFactory(msisdn="+84987654321", account_number="ACC00077777",
                  billing_detail_digest=billing_detail_digest("1234000"))
    page.goto("/accounts/login/?next=/portal/")
    page.get_by_label("Email or mobile number").fill("an.tran@example.test")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/portal/")

    # when: choosing to link by bill, first with a wrong amount
    page.get_by_role("link", name="Link my line").click()
    shot("1-choose")
    page.get_by_role("link", name="Use my bill").click()
    page.get_by_label("Account number").fill("ACC00077777")
    page.get_by_label("Billing detail").fill("1000")
    page.get_by_role("button", name="Link my line").click()

    # then: a clear error, and no link
    assert page.get_by_role("alert").inner_text().strip() == (
        "The account number and billing detail do not match our records."
    )
    shot("2-wrong-detail")

    # when: the right amount
    page.get_by_label("Billing detail").fill("1234000")
    page.get_by_role("button", name="Link my line").click()

    # then
    page.wait_for_url("**/portal/")
    assert page.get_by_test_id("member-msisdn").inner_text() == "+84987654321"
    shot("3-linked")
