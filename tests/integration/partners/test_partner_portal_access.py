"""Who may open the partner portal: partner users with MFA passed, never staff or subscribers."""

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from partners.organisations.access import access_partner_object
from partners.organisations.middleware import SESSION_PARTNER_USER_KEY
from partners.organisations.models import PartnerRole, PartnerUser
from tests.factories import DEFAULT_PASSWORD, MemberFactory, StaffUserFactory, UserFactory
from tests.partner_fixtures import PartnerFactory, PartnerUserFactory, partner_login, totp_activate, totp_now

pytestmark = pytest.mark.django_db

DASHBOARD = "/partners/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={DASHBOARD}"


def test_partner_user_with_mfa_sees_the_dashboard_with_the_partner_name(client):
    partner_user = PartnerUserFactory(partner__name="Streamly")
    partner_login(client, partner_user.user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Streamly" in body
    assert 'href="/partners/team/"' in body


def test_partner_user_without_totp_is_sent_to_set_it_up(client):
    partner_user = PartnerUserFactory()
    client.force_login(partner_user.user)

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next=%2Fpartners%2F"


def test_partner_user_with_totp_but_no_mfa_step_in_this_session_is_asked_for_a_code(client):
    partner_user = PartnerUserFactory()
    totp_activate(partner_user.user)
    client.force_login(partner_user.user)

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fpartners%2F"


def test_subscriber_gets_403(client):
    user = UserFactory()
    MemberFactory(user=user)
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})

    response = client.get(DASHBOARD)

    assert response.status_code == 403


def test_staff_gets_403(client):
    staff = StaffUserFactory()
    partner_login(client, staff)

    response = client.get(DASHBOARD)

    assert response.status_code == 403


def test_inactive_partner_gets_403(client):
    partner_user = PartnerUserFactory(partner=PartnerFactory(is_active=False))
    partner_login(client, partner_user.user)

    response = client.get(DASHBOARD)

    assert response.status_code == 403
    assert "suspended" in response.content.decode()


# --- never staff; confined to the partner portal ---------------------------------------------

def test_a_staff_login_cannot_become_a_partner_user_in_the_database():
    staff = StaffUserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerUser.objects.create(user=staff, partner=PartnerFactory(), role=PartnerRole.ADMIN)

    assert not PartnerUser.objects.filter(user=staff).exists()


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_partner_user_cannot_be_made_staff_in_the_database(flag):
    partner_user = PartnerUserFactory()
    user = partner_user.user
    setattr(user, flag, True)

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save(update_fields=[flag])

    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


@pytest.mark.parametrize("path", ["/portal/", "/portal/link/", "/portal/rewards/", "/api/member/v1/rewards"])
def test_a_partner_user_cannot_open_the_member_portal_or_the_member_api(client, path):
    partner_user = PartnerUserFactory()
    partner_login(client, partner_user.user)

    response = client.get(path)

    assert response.status_code == 403
    assert "cannot open the member portal or the admin" in response.content.decode()


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/users/"])
def test_a_partner_user_cannot_open_the_admin(client, path):
    partner_user = PartnerUserFactory()
    partner_login(client, partner_user.user)

    response = client.get(path)

    assert response.status_code == 403


def test_a_partner_user_cannot_link_a_line_by_account(client):
    member = MemberFactory()
    partner_user = PartnerUserFactory()
    partner_login(client, partner_user.user)

    form = {"account_number": member.account_number, "billing_detail": "1"}
    response = client.post("/portal/link/account/", form)

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.user_id is None


def test_a_session_from_before_the_rule_is_checked_once_and_confined(client):
    partner_user = PartnerUserFactory()
    partner_login(client, partner_user.user)
    session = client.session
    session.pop(SESSION_PARTNER_USER_KEY, None)
    session.save()

    assert client.get("/portal/").status_code == 403
    assert client.session[SESSION_PARTNER_USER_KEY] is True


def test_a_subscriber_still_opens_the_member_portal(client):
    user = UserFactory()
    MemberFactory(user=user)
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})

    assert client.session[SESSION_PARTNER_USER_KEY] is False
    assert client.get("/portal/").status_code == 200


def test_the_mfa_step_at_login_opens_the_portal(client):
    partner_user = PartnerUserFactory()
    secret = totp_activate(partner_user.user)

    login = {"login": partner_user.user.email, "password": DEFAULT_PASSWORD}
    response = client.post(reverse("account_login"), login)
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get(DASHBOARD).status_code == 302  # not logged in until the code is given

    client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})

    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db(transaction=True)  # commits as in production: allauth's signal fires on commit
def test_setting_up_totp_in_the_session_is_not_entering_a_code_which_then_opens_the_portal(client):
    partner_user = PartnerUserFactory()
    client.post(reverse("account_login"), {"login": partner_user.user.email, "password": DEFAULT_PASSWORD})
    assert client.get(DASHBOARD)["Location"].startswith(reverse("mfa_activate_totp"))

    if client.get(reverse("mfa_activate_totp")).status_code == 302:  # allauth asks for the password again
        client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302

    # allauth records no MFA step for an activation: the portal asks for a code
    asked = client.get(DASHBOARD)
    assert asked["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fpartners%2F"
    entered = client.post(asked["Location"], {"code": totp_now(secret)})
    assert entered["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_session_without_the_code_step_enters_it_and_then_opens_every_partner_page(client):
    partner_user = PartnerUserFactory(role=PartnerRole.ADMIN)
    secret = totp_activate(partner_user.user)
    client.force_login(partner_user.user)
    pages = [DASHBOARD, "/partners/team/"]
    for page in pages:
        assert client.get(page)["Location"].startswith(reverse("mfa_reauthenticate")), page

    entered = client.post(f"{reverse('mfa_reauthenticate')}?next=%2Fpartners%2F", {"code": totp_now(secret)})

    assert entered["Location"] == DASHBOARD
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_access_partner_object_answers_404_for_another_partners_row(rf):
    mine, theirs = PartnerUserFactory(), PartnerUserFactory()
    request = rf.get("/")
    request.partner_user = mine

    assert access_partner_object(request, PartnerUser.objects.all(), mine.pk) == mine
    with pytest.raises(Http404):
        access_partner_object(request, PartnerUser.objects.all(), theirs.pk)
    with pytest.raises(Http404):
        access_partner_object(request, PartnerUser.objects.all(), "not-a-number")
