"""A member meets their own language everywhere in getting in: allauth's MFA and email pages
are translated, allauth's emails go out in the recipient member's stored language, and a login
switches a new browser to the stored language, unless the person chose one just before."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.core import mail
from django.urls import reverse

from club.members.models import Member
from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "lan@example.test"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def _member(language: str, **user_fields):
    return MemberFactory(user=UserFactory(email=EMAIL, **user_fields), language=language)


def _login(client, login: str = EMAIL):
    return client.post(reverse("account_login"), {"login": login, "password": DEFAULT_PASSWORD})


def _languages_after_login(client, response, member) -> tuple[str, str, str]:
    """The login's language cookie, the dashboard's language and the member's stored one."""
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    member.refresh_from_db()
    return response.cookies[COOKIE].value, re.search(r'<html lang="([^"]+)"', dashboard)[1], member.language


def _in_vietnamese(client):
    client.cookies[COOKIE] = "vi"
    return client


# --- allauth's pages -------------------------------------------------------------------------

def test_the_two_factor_pages_are_in_vietnamese(client):
    member = _member("vi")
    client.force_login(member.user)
    _in_vietnamese(client)

    index = client.get(reverse("mfa_index")).content.decode()
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    activate = client.get(reverse("mfa_activate_totp")).content.decode()

    assert '<html lang="vi"' in index
    assert "Xác thực hai yếu tố" in index and "Ứng dụng xác thực" in index
    assert "Chưa bật ứng dụng xác thực." in index and "Mã khôi phục" in index
    assert "An authenticator app is not active." not in index
    assert "Bật ứng dụng xác thực" in activate
    assert "hãy quét mã QR bên dưới bằng ứng dụng xác thực" in activate
    assert "Khóa bí mật của ứng dụng xác thực" in activate and "Mã xác thực" in activate
    assert "scan the QR code" not in activate


def test_a_wrong_code_at_two_factor_set_up_is_told_in_vietnamese(client):
    member = _member("vi")
    client.force_login(member.user)
    _in_vietnamese(client)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    wrong = "000000" if _totp_now(secret) != "000000" else "111111"

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.context["form"].errors["code"] == ["Mã không đúng."]


def test_the_email_addresses_page_and_its_message_are_in_vietnamese(client):
    member = _member("vi")
    client.force_login(member.user)
    _in_vietnamese(client)

    page = client.get(reverse("account_email")).content.decode()
    added = client.post(reverse("account_email"), {"action_add": "", "email": "lan.work@example.test"},
                        follow=True).content.decode()

    assert "Các địa chỉ email sau đang gắn với tài khoản của bạn:" in page
    for text in ("Đã xác minh", "Chính", "Đặt làm email chính", "Gửi lại email xác minh", "Thêm email"):
        assert text in page
    assert "The following email addresses are associated" not in page
    assert "Đã gửi email xác nhận đến lan.work@example.test." in added


# --- allauth's emails ------------------------------------------------------------------------

def _reset_asked(client, email: str = EMAIL) -> None:
    client.post(reverse("account_reset_password"), {"email": email})


def test_a_password_reset_email_is_in_the_members_language_when_the_request_is_english(client):
    # given: a Vietnamese member; the browser asking for the reset is English
    _member("vi")

    # when
    _reset_asked(client)

    # then
    [message] = mail.outbox
    assert message.subject.endswith("Email đặt lại mật khẩu")
    assert "bạn hoặc ai đó đã yêu cầu đặt lại mật khẩu cho tài khoản của bạn" in message.body
    assert "password reset" not in message.body
    assert "/accounts/password/reset/key/" in message.body


@pytest.mark.parametrize(
    ("member_language", "request_language", "expected"),
    [
        ("vi", "vi", "Email đặt lại mật khẩu"),
        ("ru", "vi", "Сброс пароля"),
        ("zh-hans", "en", "重置密码邮件"),
        ("en", "ru", "Password Reset Email"),
    ],
    ids=["vi-from-vi", "ru-from-vi", "zh-from-en", "en-from-ru"],
)
def test_a_password_reset_email_follows_the_member_not_the_request(
    client, member_language, request_language, expected
):
    _member(member_language)
    client.cookies[COOKIE] = request_language

    _reset_asked(client)

    assert mail.outbox[0].subject.endswith(expected)


def test_an_address_without_an_account_hears_in_the_requests_language(client):
    _in_vietnamese(client)

    _reset_asked(client, "nobody@example.test")

    [message] = mail.outbox
    assert message.subject.endswith("Không có tài khoản")
    assert "chúng tôi không có tài khoản nào như vậy" in message.body


def test_the_sign_up_verification_email_is_in_the_language_being_used(client):
    client.cookies[COOKIE] = "ru"

    client.post(reverse("account_signup"), {
        "email": "new@example.test", "password1": "a-long-Passphrase-42", "password2": "a-long-Passphrase-42",
    })

    [message] = mail.outbox
    assert message.subject.endswith("Подтвердите адрес электронной почты")


def test_a_sign_up_with_a_members_address_warns_them_in_their_language(client):
    # given: the address belongs to a Chinese-speaking member; someone signs up with it in Russian
    _member("zh-hans")
    client.cookies[COOKIE] = "ru"

    client.post(reverse("account_signup"), {
        "email": EMAIL, "password1": "a-long-Passphrase-42", "password2": "a-long-Passphrase-42",
    })

    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject.endswith("账户已存在")


def test_an_added_address_is_verified_in_the_members_language(client):
    member = _member("ru")
    client.force_login(member.user)
    client.cookies[COOKIE] = "en"

    client.post(reverse("account_email"), {"action_add": "", "email": "lan.work@example.test"})

    [message] = mail.outbox
    assert message.to == ["lan.work@example.test"]
    assert message.subject.endswith("Подтвердите адрес электронной почты")


# --- the language at login -------------------------------------------------------------------

def test_a_login_on_a_new_browser_lands_on_a_dashboard_in_the_members_language(client):
    # given: a Vietnamese member, a browser with no language cookie
    _member("vi")

    # when
    response = _login(client)

    # then: the login answers with the language cookie, and the dashboard is Vietnamese
    assert response["Location"] == reverse("portal:dashboard")
    assert response.cookies[COOKIE].value == "vi"
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert '<html lang="vi"' in dashboard
    assert "Đăng nhập và bảo mật" in dashboard
    assert "Bạn đã đăng nhập với tên" in dashboard


def test_the_stored_language_wins_over_a_cookie_left_from_before(client):
    member = _member("ru")
    client.cookies[COOKIE] = "en"

    response = _login(client)

    assert _languages_after_login(client, response, member) == ("ru", "ru", "ru")


def test_a_choice_made_on_the_login_page_wins_and_is_stored(client):
    # given: a Vietnamese member who switches the login page to Russian
    member = _member("vi")
    client.get(reverse("account_login"))
    client.post(reverse("set_language"), {"language": "ru", "next": reverse("account_login")})

    # when
    response = _login(client)

    # then: Russian, now stored
    assert _languages_after_login(client, response, member) == ("ru", "ru", "ru")


def test_the_choice_before_one_login_does_not_follow_the_next_one(client):
    member = _member("vi")
    client.post(reverse("set_language"), {"language": "ru", "next": reverse("account_login")})
    _login(client)
    client.post(reverse("account_logout"))
    Member.objects.filter(pk=member.pk).update(language="zh-hans")

    response = _login(client)

    assert response.cookies[COOKIE].value == "zh-hans"


def test_a_login_by_phone_number_switches_the_language_too(client):
    _member("vi", phone="+84912345678", phone_verified=True)

    response = _login(client, "0912 345 678")

    assert response["Location"] == reverse("portal:dashboard")
    assert response.cookies[COOKIE].value == "vi"


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_with_two_factor_the_language_switches_when_the_code_logs_in(client):
    member = _member("zh-hans")
    secret = generate_totp_secret()
    TOTP.activate(member.user, secret)

    password_step = _login(client)
    code_step = client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})

    assert password_step["Location"] == reverse("mfa_authenticate")
    assert COOKIE not in password_step.cookies
    assert code_step["Location"] == reverse("portal:dashboard")
    assert code_step.cookies[COOKIE].value == "zh-hans"


def test_a_login_without_a_line_leaves_the_language_alone(client):
    UserFactory(email=EMAIL)
    client.cookies[COOKIE] = "vi"

    response = _login(client)

    assert response["Location"] == reverse("portal:dashboard")
    assert COOKIE not in response.cookies


def test_a_stored_language_the_site_does_not_offer_changes_nothing(client):
    _member("fr")

    response = _login(client)

    assert COOKIE not in response.cookies
    assert re.search(r'<html lang="en"', client.get(reverse("portal:dashboard")).content.decode())
