"""Login by email or by phone (national or E.164) with a password, and its rate limit."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, login: str, password: str = DEFAULT_PASSWORD, ip: str = "127.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip
    )


def test_login_by_email(client):
    user = UserFactory(email="ana@example.test")

    response = _login(client, "ana@example.test")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_email_ignores_case(client):
    user = UserFactory(email="ana@example.test")

    _login(client, "Ana@Example.TEST")

    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    "typed",
    ["0912345678", "0912 345 678", "+84912345678", "+84 91 234 5678", "84912345678"],
    ids=["national", "national-spaced", "e164", "e164-spaced", "international-no-plus"],
)
def test_login_by_phone_in_any_usual_form(client, typed):
    user = UserFactory(phone="+84912345678", phone_verified=True)

    response = _login(client, typed)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_a_wrong_password_is_refused(client):
    UserFactory(email="ana@example.test")

    response = _login(client, "ana@example.test", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_sixth_failed_login_in_the_window_is_refused_even_with_the_right_password(client):
    # given: five failures on one account
    UserFactory(email="ana@example.test")
    for _ in range(5):
        assert _login(client, "ana@example.test", "wrong-guess").status_code == 200

    # when: the sixth attempt, with the right password
    response = _login(client, "ana@example.test")

    # then
    assert response.status_code == 200
    assert "Too many failed login attempts" in str(response.context["form"].non_field_errors())
    assert "_auth_user_id" not in client.session


def test_failed_phone_logins_count_against_that_number_whatever_its_spelling(client):
    # given: five failures, alternating national and international spellings
    UserFactory(phone="+84912345678", phone_verified=True)
    for typed in ["0912345678", "+84912345678", "0912 345 678", "+84 912 345 678", "0912345678"]:
        _login(client, typed, "wrong-guess")

    # when
    response = _login(client, "+84912345678")

    # then
    assert "Too many failed login attempts" in str(response.context["form"].non_field_errors())
    assert "_auth_user_id" not in client.session


def test_failed_logins_on_one_phone_do_not_lock_out_another_phone(client):
    # given: a stranger exhausts the limit on one number
    UserFactory(phone="+84912345678", phone_verified=True)
    other = UserFactory(phone="+84987654321", phone_verified=True)
    for _ in range(5):
        _login(client, "0912345678", "wrong-guess")

    # when: the other number's owner, from another address (the address has its own limit)
    _login(client, "0987654321", ip="10.0.0.2")

    # then
    assert client.session["_auth_user_id"] == str(other.pk)


def test_logout_ends_the_session(client):
    UserFactory(email="ana@example.test")
    _login(client, "ana@example.test")

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_thirty_first_login_from_one_address_in_a_minute_gets_the_429_page(client):
    # given: thirty login attempts on thirty different accounts from one address
    for n in range(30):
        _login(client, f"nobody{n}@example.test", "wrong-guess")
    user = UserFactory(email="ana@example.test")

    # when: the right password for a real account
    response = _login(client, "ana@example.test")

    # then
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.session.get("_auth_user_id") != str(user.pk)
