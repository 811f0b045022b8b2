"""Partner test helpers shared by the partner tests (portal, co-promotions, API, settlement).

``partner_login(client, user)`` logs a partner user in as allauth would after the TOTP step:
a TOTP authenticator exists and the session records a passed MFA step.
"""

from __future__ import annotations

import time

import factory
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from partners.organisations.models import Partner, PartnerRole, PartnerUser
from tests.factories import UserFactory


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


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now, by allauth's own TOTP helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def totp_activate(user) -> str:
    """Give ``user`` a TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return secret


def partner_login(client, user) -> None:
    """Log ``user`` in with TOTP set up and the MFA step passed in this session."""
    totp_activate(user)
    client.force_login(user)
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.save()
