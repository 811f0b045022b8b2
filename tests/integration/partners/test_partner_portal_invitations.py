"""Invitations: sent by a partner admin (or staff), a signed link that works once for 7 days."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners.organisations.models import PartnerInvitation, PartnerRole, PartnerUser
from partners.organisations.services import (
    PartnerUserError,
    invitation_token_make,
    partner_invitation_accept,
    partner_user_invite,
)
from partners.organisations.services.invitations import TOKEN_SALT
from tests.factories import DEFAULT_PASSWORD, MemberFactory, StaffUserFactory, UserFactory
from tests.partner_fixtures import PartnerFactory, PartnerUserFactory, partner_login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-enough-passphrase-42"


def _invite(actor, partner, email="new.person@partner.example", role=PartnerRole.ANALYST):
    return partner_user_invite(actor=actor, partner=partner, email=email, role=role)


def _link_path(invitation) -> str:
    return reverse("partners:invitation", args=[invitation_token_make(invitation_id=invitation.pk)])


# --- sending ---------------------------------------------------------------------------------

def test_an_admin_invites_from_the_team_page_and_the_email_carries_the_link(
    client, django_capture_on_commit_callbacks
):
    admin = PartnerUserFactory(partner__name="Streamly")
    partner_login(client, admin.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partners:team_invite"),
                               {"email": "New.Person@Partner.Example", "role": "analyst"})

    assert response.status_code == 302
    invitation = PartnerInvitation.objects.get()
    expected = (admin.partner_id, "new.person@partner.example", "analyst")
    assert (invitation.partner_id, invitation.email, invitation.role) == expected
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - dt.timedelta(days=7)) < dt.timedelta(seconds=1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@partner.example"]
    assert "Streamly" in message.subject
    assert _link_path(invitation) in message.body


def test_an_analyst_cannot_invite(client):
    analyst = PartnerUserFactory(role=PartnerRole.ANALYST)
    partner_login(client, analyst.user)

    response = client.post(reverse("partners:team_invite"), {"email": "x@partner.example", "role": "admin"})

    assert response.status_code == 403
    assert not PartnerInvitation.objects.exists()


@pytest.mark.parametrize(
    ("form", "field"),
    [({"email": "not-an-email", "role": "analyst"}, "email"),
     ({"email": "a@b.example", "role": "owner"}, "role")],
    ids=["bad-email", "unknown-role"],
)
def test_a_bad_invitation_form_is_refused_with_a_message(client, form, field):
    admin = PartnerUserFactory()
    partner_login(client, admin.user)

    response = client.post(reverse("partners:team_invite"), form)

    assert response.status_code == 400
    assert response.context["invite_form"].errors[field]
    assert not PartnerInvitation.objects.exists()


def test_inviting_a_team_member_again_is_refused():
    admin = PartnerUserFactory()
    colleague = PartnerUserFactory(partner=admin.partner)

    with pytest.raises(PartnerUserError) as refused:
        _invite(admin.user, admin.partner, email=colleague.user.email)

    assert "already in the team" in refused.value.message


def test_a_new_invitation_of_the_same_address_revokes_the_earlier_one():
    admin = PartnerUserFactory()
    first = _invite(admin.user, admin.partner)
    second = _invite(admin.user, admin.partner, role=PartnerRole.ADMIN)

    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(PartnerUserError, match="withdrawn"):
        partner_invitation_accept(token=invitation_token_make(invitation_id=first.pk), password=NEW_PASSWORD)
    assert partner_invitation_accept(
        token=invitation_token_make(invitation_id=second.pk), password=NEW_PASSWORD
    ).partner_user.role == PartnerRole.ADMIN


def test_another_partners_admin_cannot_invite_to_this_partner():
    admin, other_partner = PartnerUserFactory(), PartnerFactory()

    with pytest.raises(PartnerUserError):
        _invite(admin.user, other_partner)

    assert not PartnerInvitation.objects.exists()


def test_staff_invite_the_first_admin_of_a_partner():
    partner = PartnerFactory()

    invitation = _invite(StaffUserFactory(), partner, role=PartnerRole.ADMIN)

    assert invitation.role == PartnerRole.ADMIN


# --- accepting -------------------------------------------------------------------------------

def test_a_new_address_sets_a_password_then_logs_in_and_is_sent_to_mfa_setup(client):
    admin = PartnerUserFactory()
    invitation = _invite(admin.user, admin.partner)
    path = _link_path(invitation)

    page = client.get(path)
    assert page.status_code == 200
    assert page.context["step"] == "set_password"
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    user = get_user_model().objects.get(email="new.person@partner.example")
    assert user.check_password(NEW_PASSWORD) and not user.is_staff
    assert EmailAddress.objects.get(user=user).verified
    assert PartnerUser.objects.get(user=user).partner_id == admin.partner_id
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_user_id == user.pk
    client.post(reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD})
    assert client.get("/partners/")["Location"].startswith(reverse("mfa_activate_totp"))


def test_the_link_works_once(client):
    admin = PartnerUserFactory()
    path = _link_path(_invite(admin.user, admin.partner))
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.post(path, {"password1": "another-passphrase-99", "password2": "another-passphrase-99"})

    assert again.status_code == 200 and again.context["step"] == "used"
    assert "already been used" in again.content.decode()
    assert get_user_model().objects.get(email="new.person@partner.example").check_password(NEW_PASSWORD)
    assert PartnerUser.objects.filter(partner=admin.partner).count() == 2


def test_an_expired_link_is_refused_and_creates_nothing(client):
    admin = PartnerUserFactory()
    invitation = _invite(admin.user, admin.partner)
    past = timezone.now() - dt.timedelta(seconds=1)
    PartnerInvitation.objects.filter(pk=invitation.pk).update(expires_at=past)

    response = client.post(_link_path(invitation), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.context["step"] == "expired"
    assert not get_user_model().objects.filter(email=invitation.email).exists()


@pytest.mark.parametrize("token", ["garbage", "eyJpIjoxfQ:forged-signature"], ids=["garbage", "forged"])
def test_a_forged_token_answers_404(client, token):
    response = client.get(reverse("partners:invitation", args=[token]))

    assert response.status_code == 404


def test_a_token_signed_for_another_purpose_is_refused(client):
    from django.core import signing

    admin = PartnerUserFactory()
    invitation = _invite(admin.user, admin.partner)
    token = signing.Signer(salt=TOKEN_SALT + ".other").sign_object({"i": invitation.pk})

    assert client.get(reverse("partners:invitation", args=[token])).status_code == 404


def test_a_weak_or_mismatched_password_is_refused_with_a_message(client):
    admin = PartnerUserFactory()
    path = _link_path(_invite(admin.user, admin.partner))

    weak = client.post(path, {"password1": "12345", "password2": "12345"})
    differ = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})

    assert weak.status_code == 400 and weak.context["form"].errors["password1"]
    assert differ.status_code == 400 and differ.context["form"].errors["password2"]
    assert not get_user_model().objects.filter(email="new.person@partner.example").exists()


@pytest.mark.parametrize("kind", ["staff", "subscriber", "other_partner"])
def test_staff_subscribers_and_other_partners_users_cannot_accept(client, kind):
    admin = PartnerUserFactory()
    if kind == "staff":
        user = StaffUserFactory()
    elif kind == "subscriber":
        user = UserFactory()
        MemberFactory(user=user)
    else:
        user = PartnerUserFactory().user
    invitation = _invite(admin.user, admin.partner, email=user.email)

    page = client.post(_link_path(invitation))  # the link's holder, before logging in

    assert page.context["step"] == "refused"
    assert not PartnerUser.objects.filter(user=user, partner=admin.partner).exists()
    with pytest.raises(PartnerUserError):
        partner_invitation_accept(token=invitation_token_make(invitation_id=invitation.pk), current_user=user)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_existing_plain_login_must_log_in_then_confirms(client):
    admin = PartnerUserFactory()
    user = UserFactory(email="consultant@agency.example")
    invitation = _invite(admin.user, admin.partner, email=user.email, role=PartnerRole.ADMIN)
    path = _link_path(invitation)

    assert client.get(path).context["step"] == "log_in"
    assert client.post(path).context["step"] == "log_in"  # no password form to take over the login
    assert not PartnerUser.objects.filter(user=user).exists()

    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert client.get(path).context["step"] == "confirm"
    response = client.post(path)

    assert response.status_code == 302 and response["Location"] == reverse("partners:dashboard")
    assert PartnerUser.objects.get(user=user).role == PartnerRole.ADMIN
    assert client.get("/portal/").status_code == 403  # confined from now on


def test_logged_in_as_someone_else_is_asked_to_log_out(client):
    admin = PartnerUserFactory()
    invitation = _invite(admin.user, admin.partner)
    other = UserFactory()
    client.post(reverse("account_login"), {"login": other.email, "password": DEFAULT_PASSWORD})

    response = client.post(_link_path(invitation), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.context["step"] == "other_login"
    assert not PartnerUser.objects.filter(partner=admin.partner, user__email=invitation.email).exists()


# --- pending invitations ---------------------------------------------------------------------

def test_pending_invitations_are_listed_and_an_admin_withdraws_one(client):
    admin = PartnerUserFactory()
    invitation = _invite(admin.user, admin.partner)
    accepted = _invite(admin.user, admin.partner, email="done@partner.example")
    partner_invitation_accept(token=invitation_token_make(invitation_id=accepted.pk), password=NEW_PASSWORD)
    partner_login(client, admin.user)

    page = client.get(reverse("partners:invitations"))
    assert [i.pk for i in page.context["open_invitations"]] == [invitation.pk]
    response = client.post(reverse("partners:invitation_revoke", args=[invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.get(_link_path(invitation)).context["step"] == "revoked"


def test_another_partners_invitation_cannot_be_withdrawn(client):
    admin, stranger = PartnerUserFactory(), PartnerUserFactory()
    theirs = _invite(stranger.user, stranger.partner)
    partner_login(client, admin.user)

    response = client.post(reverse("partners:invitation_revoke", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
