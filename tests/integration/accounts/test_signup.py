"""Sign-up: a verification email goes out and the account cannot log in until it is confirmed."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from club.members import sms

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-77"


def _signup(client, **extra):
    data = {"email": "new.member@example.test", "password1": PASSWORD, "password2": PASSWORD}
    data.update(extra)
    return client.post(reverse("account_signup"), data)


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_signup_sends_a_verification_email_and_blocks_login_until_confirmed(client):
    # when
    response = _signup(client)

    # then: one email to the address, the user exists unverified, nobody is logged in
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.member@example.test"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    user = get_user_model().objects.get(email="new.member@example.test")
    assert EmailAddress.objects.get(user=user).verified is False
    assert "_auth_user_id" not in client.session

    # when: logging in before confirming
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.member@example.test", "password": PASSWORD}
    )

    # then: sent to the "verify your email" page, still not logged in, another email sent
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_confirming_the_email_allows_login(client):
    # given
    _signup(client)
    link = _confirmation_link(mail.outbox[0])
    client.logout()

    # when
    client.post(link)

    # then
    user = get_user_model().objects.get(email="new.member@example.test")
    assert EmailAddress.objects.get(user=user).verified is True
    response = client.post(
        reverse("account_login"), {"login": "new.member@example.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_a_national_phone_stores_it_in_e164_unverified_and_texts_a_code(client):
    # when
    _signup(client, phone="0912 345 678")

    # then
    user = get_user_model().objects.get(email="new.member@example.test")
    assert (user.phone, user.phone_verified) == ("+84912345678", False)
    assert [m.to for m in sms.outbox] == ["+84912345678"]


def test_signup_with_a_phone_another_account_uses_creates_nothing_and_reveals_nothing(
    client, django_user_model
):
    # given
    first = django_user_model.objects.create_user(
        "first@example.test", PASSWORD, phone="+84912345678", phone_verified=True
    )

    # when
    response = _signup(client, phone="0912345678")

    # then: the same answer as a fresh sign-up (no enumeration), but no second account, the
    # number stays with its holder, and no email goes to the new address
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    assert list(django_user_model.objects.values_list("email", flat=True)) == ["first@example.test"]
    first.refresh_from_db()
    assert (first.phone, first.phone_verified) == ("+84912345678", True)
    assert mail.outbox == []


def test_signup_with_a_weak_password_is_refused_and_creates_nothing(client, django_user_model):
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.test", "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert django_user_model.objects.count() == 0
    assert mail.outbox == []


def test_a_phone_given_at_sign_up_is_verified_by_the_sms_code_before_the_email_goes_out(client):
    # given: signed up with a number; the SMS carries allauth's code
    response = _signup(client, phone="0912 345 678")
    assert response["Location"] == reverse("account_verify_phone")
    code = re.search(r"code is (\S+)\.$", sms.outbox[-1].body).group(1)

    # when: a wrong code, then the right one
    wrong = client.post(reverse("account_verify_phone"), {"code": "WRONG-CODE"})
    right = client.post(reverse("account_verify_phone"), {"code": code})

    # then: the wrong one is refused clearly; the right one verifies the number and sends the
    # email link (the email still has to be confirmed)
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == ["Incorrect code."]
    assert right["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="new.member@example.test")
    assert (user.phone, user.phone_verified) == ("+84912345678", True)
    assert [m.to for m in mail.outbox] == [["new.member@example.test"]]
    assert "_auth_user_id" not in client.session


def test_the_twenty_first_sign_up_from_one_address_in_a_minute_gets_the_429_page(client, django_user_model):
    # given: twenty sign-ups from one client address
    for n in range(20):
        data = {"email": f"member{n}@example.test", "password1": PASSWORD, "password2": PASSWORD}
        assert client.post(reverse("account_signup"), data).status_code == 302
        client.logout()

    # when
    response = _signup(client)

    # then
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not django_user_model.objects.filter(email="new.member@example.test").exists()


@pytest.mark.parametrize("typed", ["12", "0912 345", "not a number"], ids=["too-short", "cut-off", "words"])
def test_signup_with_an_invalid_phone_says_so_and_creates_nothing(client, django_user_model, typed):
    response = _signup(client, phone=typed)

    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["Enter a valid mobile number."]
    assert django_user_model.objects.count() == 0
    assert mail.outbox == []
    assert sms.outbox == []
