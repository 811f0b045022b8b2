"""The admin's "Partner organisations": staff create partners, see their users, invite the first admin."""

import pytest
from django.core import mail
from django.urls import reverse

from partners.organisations.models import Partner, PartnerInvitation, PartnerRole
from tests.factories import StaffUserFactory
from tests.partner_fixtures import PartnerFactory, PartnerUserFactory, partner_login, totp_activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = StaffUserFactory(is_superuser=True)
    totp_activate(staff)
    partner_login(client, staff)  # a logged-in session with TOTP passed
    return client


def test_staff_create_a_partner(staff_client):
    response = staff_client.post(reverse("partner_organisations:add"), {
        "name": "Streamly", "slug": "streamly", "contact_email": "ops@streamly.example", "is_active": "on",
    })

    assert response.status_code == 302
    assert Partner.objects.get(slug="streamly").name == "Streamly"


def test_staff_see_a_partners_users_and_pending_invitations(staff_client):
    admin = PartnerUserFactory(partner__name="Gadgetry")
    PartnerInvitation.objects.create(
        partner=admin.partner, email="soon@gadgetry.example", role=PartnerRole.ANALYST,
        expires_at="2999-01-01T00:00:00Z",
    )

    page = staff_client.get(reverse("partner_organisations:inspect", args=[admin.partner.pk]))

    body = page.content.decode()

    assert admin.user.email in body and "soon@gadgetry.example" in body
    listing = staff_client.get(reverse("partner_organisations:index")).content.decode()
    assert "Gadgetry" in listing


def test_staff_invite_the_first_admin(staff_client, django_capture_on_commit_callbacks):
    partner = PartnerFactory()
    url = reverse("partner_organisations_invite", args=[partner.pk])
    assert staff_client.get(url).context["form"].initial["role"] == PartnerRole.ADMIN

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"email": "boss@partner.example", "role": "admin"})

    assert response.status_code == 302
    assert PartnerInvitation.objects.get(partner=partner).role == PartnerRole.ADMIN
    assert mail.outbox[0].to == ["boss@partner.example"]


def test_a_bad_address_is_refused_in_the_admin(staff_client):
    partner = PartnerFactory()

    response = staff_client.post(reverse("partner_organisations_invite", args=[partner.pk]),
                                 {"email": "nope", "role": "admin"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not PartnerInvitation.objects.exists()


@pytest.mark.parametrize("url_name", ["partner_organisations:index", "partner_organisations:add"])
def test_partner_users_never_reach_the_admins_partner_pages(client, url_name):
    partner_user = PartnerUserFactory()
    partner_login(client, partner_user.user)

    assert client.get(reverse(url_name)).status_code == 403


def test_partner_users_cannot_use_the_admins_invite_view(client):
    partner_user = PartnerUserFactory()
    partner_login(client, partner_user.user)

    response = client.post(reverse("partner_organisations_invite", args=[partner_user.partner.pk]),
                           {"email": "x@y.example", "role": "admin"})

    assert response.status_code == 403
    assert not PartnerInvitation.objects.exists()
