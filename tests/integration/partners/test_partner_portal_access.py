"""Who may open the partner portal: partner users with MFA passed, never staff or subscribers."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, MemberFactory, StaffUserFactory, UserFactory
from tests.partner_fixtures import PartnerFactory, PartnerUserFactory, partner_login, totp_activate

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
