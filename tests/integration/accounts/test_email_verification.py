"""Email verification: the link works once, a bad or expired link says so, re-sends are limited."""

import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "new.member@example.test"
PASSWORD = "a-long-Passphrase-77"
LINK_DEAD = "This email confirmation link expired or is invalid."


def _signup(client):
    return client.post(
        reverse("account_signup"), {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD}
    )


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def _login(client, login: str = EMAIL):
    return client.post(reverse("account_login"), {"login": login, "password": PASSWORD})


def _verified() -> bool:
    return EmailAddress.objects.get(email=EMAIL).verified


def test_a_made_up_confirmation_link_says_it_is_invalid_and_confirms_nothing(client):
    # given
    _signup(client)
    client.logout()

    # when
    get = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))
    post = client.post(reverse("account_confirm_email", args=["not-a-real-key"]))

    # then
    assert get.status_code == 200
    assert LINK_DEAD in get.content.decode()
    assert post.status_code == 404
    assert _verified() is False


def test_a_confirmation_link_older_than_three_days_says_it_expired_and_confirms_nothing(client):
    # given: the link from the sign-up email, opened four days later
    _signup(client)
    link = _confirmation_link(mail.outbox[0])
    client.logout()
    four_days_later = time.time() + 4 * 24 * 3600

    # when
    with mock.patch("django.core.signing.time.time", return_value=four_days_later):
        get = client.get(link)
        client.post(link)

    # then
    assert LINK_DEAD in get.content.decode()
    assert _verified() is False
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("same_browser", "lands_on", "logged_in"),
    [(True, "portal:dashboard", True), (False, "account_login", False)],
    ids=["same-browser-logs-in", "other-browser-asks-to-log-in"],
)
def test_the_confirmation_page_asks_before_confirming(client, same_browser, lands_on, logged_in):
    # given: the link from the sign-up email, opened where the person signed up or elsewhere
    _signup(client)
    link = _confirmation_link(mail.outbox[0])
    if not same_browser:
        client.logout()

    # when: a mail scanner (or the person) opens the link
    page = client.get(link)

    # then: nothing is confirmed by a GET
    assert page.status_code == 200
    assert f"mailto:{EMAIL}" in page.content.decode()
    assert _verified() is False

    # when: the person presses Confirm
    response = client.post(link)

    # then: verified; logged in only in the browser that signed up
    assert response.status_code == 302
    assert response["Location"] == reverse(lands_on)
    assert _verified() is True
    user_pk = str(get_user_model().objects.get(email=EMAIL).pk)
    assert (client.session.get("_auth_user_id") == user_pk) is logged_in


def test_logins_before_confirming_do_not_send_another_email_within_three_minutes(client):
    # given: signed up a moment ago (one email)
    _signup(client)
    client.logout()

    # when: three logins in a row before confirming
    responses = [_login(client) for _ in range(3)]

    # then: each one is sent to "verify your email", and no further email goes out
    assert [r["Location"] for r in responses] == [reverse("account_email_verification_sent")] * 3
    assert len(mail.outbox) == 1
    assert "_auth_user_id" not in client.session


def test_signing_up_with_a_taken_email_answers_alike_and_creates_nothing(client, django_user_model):
    # given
    UserFactory(email=EMAIL)

    # when
    response = _signup(client)

    # then: the same page as a fresh sign-up, one account, the holder told by email
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert django_user_model.objects.filter(email__iexact=EMAIL).count() == 1
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert "/accounts/confirm-email/" not in mail.outbox[0].body
