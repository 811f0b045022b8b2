"""Partner test helpers shared by the partner tests (portal, co-promotions, API, settlement).

``partner_login(client, user)`` logs a partner user in as allauth would after the TOTP step:
a TOTP authenticator exists and the session records a passed MFA step.
"""

from __future__ import annotations

import factory

from partners.organisations.models import Partner, PartnerRole, PartnerUser
from tests.factories import UserFactory
from tests.mfa_login import login_with_mfa, totp_activate, totp_now

__all__ = ["PartnerFactory", "PartnerUserFactory", "partner_login", "totp_activate", "totp_now"]


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    contact_email = factory.LazyAttribute(lambda p: f"contact@{p.slug}.example.test")


class PartnerUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerUser

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = PartnerRole.ADMIN


def partner_login(client, user) -> None:
    """Log ``user`` in with TOTP set up and the MFA step passed in this session."""
    login_with_mfa(client, user)
