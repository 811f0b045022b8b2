"""Two-factor authentication for subscribers: reachable from the portal, optional, and then
asked at every login, with recovery codes and a limit on wrong codes."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "ana@example.test"


def _login(client):
    return client.post(reverse("account_login"), {"login": EMAIL, "password": DEFAULT_PASSWORD})


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def _not_now(secret: str) -> str:
    return "000000" if _totp_now(secret) != "000000" else "111111"


@pytest.fixture
def member_with_totp(db):
    user = UserFactory(email=EMAIL)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return user, secret


def test_a_subscriber_without_mfa_logs_in_with_the_password_alone(client):
    user = UserFactory(email=EMAIL)

    response = _login(client)

    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_the_dashboard_links_to_two_factor_set_up(client):
    UserFactory(email=EMAIL)
    _login(client)

    page = client.get(reverse("portal:dashboard")).content.decode()

    assert f'href="{reverse("mfa_index")}"' in page


def test_a_subscriber_sets_up_totp_and_gets_recovery_codes(client):
    # given: logged in, on the two-factor page
    user = UserFactory(email=EMAIL)
    _login(client)
    assert client.get(reverse("mfa_index")).status_code == 200

    # when: activating TOTP (allauth asks for the password again first)
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": _not_now(secret)})
    right = client.post(reverse("mfa_activate_totp"), {"code": _totp_now(secret)})

    # then: a wrong code activates nothing; the right one activates TOTP and ten recovery codes
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == ["Incorrect code."]
    assert right.status_code == 302
    types = sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == [Authenticator.Type.RECOVERY_CODES, Authenticator.Type.TOTP]
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    assert len(codes.get_unused_codes()) == 10
    page = client.get(reverse("mfa_view_recovery_codes"))
    assert page.status_code == 200
    assert codes.get_unused_codes()[0] in page.content.decode()


def test_with_totp_the_password_alone_does_not_log_in(client, member_with_totp):
    user, secret = member_with_totp

    response = _login(client)

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:dashboard")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})

    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_recovery_code_logs_in_once(client, member_with_totp):
    # given
    user, _secret = member_with_totp
    code = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes")).get_unused_codes()[0]

    # when
    _login(client)
    first = client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))
    _login(client)
    again = client.post(reverse("mfa_authenticate"), {"code": code})

    # then
    assert first["Location"] == reverse("portal:dashboard")
    assert again.status_code == 200
    assert again.context["form"].errors["code"] == ["Incorrect code."]
    assert "_auth_user_id" not in client.session


def test_the_sixth_code_after_five_wrong_ones_is_refused_even_when_right(client, member_with_totp):
    # given: five wrong codes at the login's second step
    _user, secret = member_with_totp
    _login(client)
    wrong = [client.post(reverse("mfa_authenticate"), {"code": _not_now(secret)}) for _ in range(5)]
    assert [r.context["form"].errors["code"] for r in wrong] == [["Incorrect code."]] * 5

    # when: the right code
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session
