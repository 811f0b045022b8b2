"""The Wagtail admin is no side door: allauth's login, staff only, and MFA entered this session."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils.http import urlencode

from club.accounts.roles import ROLES, ROLES_BY_KEY
from club.accounts.roles_sync import roles_sync
from tests.factories import DEFAULT_PASSWORD, StaffUserFactory, UserFactory
from tests.mfa_login import login_with_mfa, totp_activate
from tests.mfa_login import totp_now as _totp_now

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/users/"]
# More of the admin: snippets, reports, the project's own screens, settings.
EVERY_KIND_OF_ADMIN_PAGE = [
    *ADMIN_PAGES,
    "/admin/snippets/",
    "/admin/groups/",
    "/admin/images/",
    "/admin/reports/site-history/",
    reverse("campaign_reports:index"),
    reverse("events_door"),
    "/admin/no-such-page/",
]


def _login(client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": DEFAULT_PASSWORD})


def _next(url_name: str, path: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': path})}"


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
    assert response["Location"] == _next("mfa_activate_totp", path)


@pytest.fixture
def non_staff_admin_group_member():
    """Not staff, with TOTP entered, in a group holding Wagtail's ``access_admin`` and the
    marketers' permissions (as a group an administrator made in Settings → Groups would)."""
    roles_sync()
    editors = Group.objects.create(name="Club content editors")
    marketers = Group.objects.get(name=ROLES_BY_KEY["marketer"].name)
    editors.permissions.set([*marketers.permissions.all(), Permission.objects.get(codename="access_admin")])
    user = UserFactory(email="editor@example.test")
    user.groups.add(editors)
    return user


@pytest.mark.parametrize("path", EVERY_KIND_OF_ADMIN_PAGE)
def test_a_non_staff_user_with_admin_access_through_a_group_gets_403(
    client, non_staff_admin_group_member, path
):
    # given: the second factor entered in this session, so only staff status is missing
    login_with_mfa(client, non_staff_admin_group_member)
    assert non_staff_admin_group_member.has_perm("wagtailadmin.access_admin")

    response = client.get(path)

    assert response.status_code == 403
    assert "No access to the admin" in response.content.decode()


@pytest.mark.parametrize("role", ROLES, ids=[role.key for role in ROLES])
def test_a_role_holder_whose_staff_status_was_withdrawn_gets_403(client, role):
    roles_sync()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role.name))
    type(user).objects.filter(pk=user.pk).update(is_staff=False)
    login_with_mfa(client, user)

    for path in EVERY_KIND_OF_ADMIN_PAGE:
        assert client.get(path).status_code == 403, path


# --- MFA entered in this session, not merely set up -------------------------------------------

@pytest.mark.parametrize("path", [*EVERY_KIND_OF_ADMIN_PAGE, reverse("portal:dashboard")])
def test_staff_with_totp_whose_session_skipped_the_code_are_asked_for_it(client, path):
    # given: TOTP set up, but the session was made without the code step
    staff = StaffUserFactory(is_superuser=True)
    totp_activate(staff)
    client.force_login(staff)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == _next("mfa_reauthenticate", path)


def test_a_session_that_enters_the_code_then_opens_the_admin(client):
    # given: a password-only session of staff with TOTP, refused by the admin
    staff = StaffUserFactory(is_superuser=True)
    secret = totp_activate(staff)
    client.force_login(staff)
    assert client.get("/admin/pages/")["Location"] == _next("mfa_reauthenticate", "/admin/pages/")

    # when: a wrong code, then the authenticator's code
    wrong = "000000" if _totp_now(secret) != "000000" else "111111"
    refused = client.post(_next("mfa_reauthenticate", "/admin/pages/"), {"code": wrong})
    entered = client.post(_next("mfa_reauthenticate", "/admin/pages/"), {"code": _totp_now(secret)})

    # then: back where it was going, and every admin page opens in this same session
    assert refused.status_code == 200
    assert entered.status_code == 302 and entered["Location"] == "/admin/pages/"
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


def test_a_recovery_code_also_counts_as_the_second_factor(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = StaffUserFactory(is_superuser=True)
    totp_activate(staff)
    code = RecoveryCodes.activate(staff).get_unused_codes()[0]
    client.force_login(staff)

    entered = client.post(_next("mfa_reauthenticate", "/admin/"), {"code": code})

    assert entered["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_password_login_of_staff_without_totp_never_shows_the_admin(client):
    StaffUserFactory(email="staff@example.test", is_superuser=True)
    _login(client, "staff@example.test")

    for path in EVERY_KIND_OF_ADMIN_PAGE:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == _next("mfa_activate_totp", path)


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

    # then: TOTP is set up, but setting it up is not entering a code at login: asked for one
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).count() == 1
    assert client.get("/admin/")["Location"] == _next("mfa_reauthenticate", "/admin/")

    # when: the code is entered
    entered = client.post(_next("mfa_reauthenticate", "/admin/"), {"code": _totp_now(secret)})

    # then
    assert entered["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
