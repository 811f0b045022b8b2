"""The Wagtail admin is no side door: allauth's login, MFA for staff, no access for others."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/users/"]


def _login(client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": DEFAULT_PASSWORD})


def _totp_now(secret: str) -> str:
    """The code an authenticator app shows now, by allauth's own TOTP helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_admin_login_url_redirects_to_allauth_login_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/pages/"


def test_admin_logout_url_redirects_to_allauth_logout(client):
    response = client.get("/admin/logout/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_logout")


def test_anonymous_admin_visit_ends_at_allauth_login(client):
    response = client.get("/admin/pages/", follow=True)

    assert response.redirect_chain[-1] == (f"{reverse('account_login')}?next=/admin/pages/", 302)
    assert response.status_code == 200
    assert "account/login.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_non_staff_user_gets_a_403_on_admin_pages_not_a_redirect_loop(client, path):
    UserFactory(email="member@example.test")
    _login(client, "member@example.test")

    response = client.get(path)

    assert response.status_code == 403
    assert "No access to the admin" in response.content.decode()


@pytest.mark.parametrize("path", [*ADMIN_PAGES, reverse("portal:dashboard")])
def test_staff_without_totp_are_sent_to_mfa_setup(client, path):
    StaffUserFactory(email="staff@example.test")
    _login(client, "staff@example.test")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next={path}"


def test_a_group_with_admin_access_also_needs_totp(client):
    # given: not is_staff, but in a group that may use the Wagtail admin
    editors = Group.objects.create(name="Club content editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor = UserFactory(email="editor@example.test")
    editor.groups.add(editors)
    _login(client, "editor@example.test")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_totp_must_pass_the_totp_step_at_login(client):
    # given
    staff = StaffUserFactory(email="staff@example.test", is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    # when: the password is right
    response = _login(client, "staff@example.test")

    # then: not logged in yet, asked for the code, and the admin stays shut
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith(reverse("account_login"))

    # when: a wrong code
    wrong = "000000" if _totp_now(secret) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    # then
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    # when: the code from the authenticator
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})

    # then: logged in, and the admin opens
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_staff_can_activate_totp_after_reauthenticating(client):
    # given: staff logged in with a password only, sent to set up TOTP
    staff = StaffUserFactory(email="staff@example.test", is_superuser=True)
    _login(client, "staff@example.test")
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})

    # when: the setup page shows a secret and the authenticator's code is entered
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_now(secret)})

    # then
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).count() == 1
    assert client.get("/admin/").status_code == 200
