"""The team page: admins change roles and remove people; a partner always keeps one admin."""

import threading

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.urls import reverse

from partners.organisations.models import PartnerRole, PartnerUser
from partners.organisations.services import PartnerUserError, partner_user_remove, partner_user_role_change
from tests.partner_fixtures import PartnerUserFactory, partner_login

pytestmark = pytest.mark.django_db


def test_the_team_page_lists_only_the_partners_own_people(client):
    admin = PartnerUserFactory()
    colleague = PartnerUserFactory(partner=admin.partner, role=PartnerRole.ANALYST)
    stranger = PartnerUserFactory()
    partner_login(client, admin.user)

    response = client.get(reverse("partners:team"))

    body = response.content.decode()
    assert response.status_code == 200
    assert admin.user.email in body and colleague.user.email in body
    assert stranger.user.email not in body


def test_an_analyst_sees_the_team_but_no_actions(client):
    analyst = PartnerUserFactory(role=PartnerRole.ANALYST)
    partner_login(client, analyst.user)

    body = client.get(reverse("partners:team")).content.decode()

    assert "Change role" not in body and "Invite someone" not in body


def test_an_admin_changes_a_role(client):
    admin = PartnerUserFactory()
    colleague = PartnerUserFactory(partner=admin.partner, role=PartnerRole.ANALYST)
    partner_login(client, admin.user)

    response = client.post(reverse("partners:team_role_change", args=[colleague.pk]), {"role": "admin"})

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == PartnerRole.ADMIN


@pytest.mark.parametrize("action", ["team_role_change", "team_remove"])
def test_an_analyst_cannot_change_roles_or_remove(client, action):
    analyst = PartnerUserFactory(role=PartnerRole.ANALYST)
    admin = PartnerUserFactory(partner=analyst.partner)
    partner_login(client, analyst.user)

    response = client.post(reverse(f"partners:{action}", args=[admin.pk]), {"role": "analyst"})

    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.role == PartnerRole.ADMIN


@pytest.mark.parametrize("action", ["team_role_change", "team_remove"])
def test_another_partners_user_answers_404_and_is_unchanged(client, action):
    admin, stranger = PartnerUserFactory(), PartnerUserFactory()
    partner_login(client, admin.user)

    response = client.post(reverse(f"partners:{action}", args=[stranger.pk]), {"role": "analyst"})

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == PartnerRole.ADMIN


def test_the_last_admin_cannot_become_an_analyst(client):
    admin = PartnerUserFactory()
    partner_login(client, admin.user)

    url = reverse("partners:team_role_change", args=[admin.pk])
    response = client.post(url, {"role": "analyst"}, follow=True)

    admin.refresh_from_db()
    assert admin.role == PartnerRole.ADMIN
    assert "last administrator" in response.content.decode()


def test_the_last_admin_cannot_be_removed():
    admin = PartnerUserFactory()
    PartnerUserFactory(partner=admin.partner, role=PartnerRole.ANALYST)

    with pytest.raises(PartnerUserError, match="last administrator"):
        partner_user_remove(actor=admin.user, partner=admin.partner, partner_user_id=admin.pk)

    assert PartnerUser.objects.filter(pk=admin.pk).exists()


def test_a_removed_user_loses_the_login_and_its_sessions(client):
    admin = PartnerUserFactory()
    colleague = PartnerUserFactory(partner=admin.partner, role=PartnerRole.ANALYST)
    partner_login(client, colleague.user)
    assert client.get("/partners/").status_code == 200

    partner_user_remove(actor=admin.user, partner=admin.partner, partner_user_id=colleague.pk)

    user = colleague.user
    user.refresh_from_db()
    assert not PartnerUser.objects.filter(pk=colleague.pk).exists()
    assert not user.is_active and not user.has_usable_password()
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get("/partners/").status_code == 302  # the session no longer logs anyone in


def test_an_admin_removes_through_the_page(client):
    admin = PartnerUserFactory()
    colleague = PartnerUserFactory(partner=admin.partner, role=PartnerRole.ANALYST)
    partner_login(client, admin.user)

    response = client.post(reverse("partners:team_remove", args=[colleague.pk]))

    assert response.status_code == 302
    assert not PartnerUser.objects.filter(pk=colleague.pk).exists()


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_the_team_actions_take_post_only(client, method):
    admin = PartnerUserFactory()
    colleague = PartnerUserFactory(partner=admin.partner, role=PartnerRole.ANALYST)
    partner_login(client, admin.user)

    response = getattr(client, method)(reverse("partners:team_remove", args=[colleague.pk]))

    assert response.status_code == 405
    assert PartnerUser.objects.filter(pk=colleague.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    first = PartnerUserFactory()
    second = PartnerUserFactory(partner=first.partner)
    barrier, outcomes = threading.Barrier(2), []

    def demote(actor, target):
        try:
            barrier.wait()
            partner_user_role_change(actor=actor.user, partner=actor.partner, partner_user_id=target.pk,
                                     role=PartnerRole.ANALYST)
            outcomes.append("changed")
        except PartnerUserError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(first, second)),
               threading.Thread(target=demote, args=(second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    admins = PartnerUser.objects.filter(partner=first.partner, role=PartnerRole.ADMIN).count()
    print(f"r-team: 2 concurrent demotions, outcomes={sorted(outcomes)}, admins left={admins}")
    assert sorted(outcomes) == ["changed", "refused"]
    assert admins == 1
