"""Log a test client in as allauth does after the MFA step (docs/accounts.md, "MFA").

``client.force_login`` alone makes a session that logged in with nothing: the admin and the
partner portal send it to enter a code (``club.accounts.mfa``). ``login_with_mfa`` gives the
user a TOTP authenticator, logs the client in, and records in its session, with allauth's own
``record_authentication``, a password step and a TOTP step, as a real login through the code
form leaves them.
"""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import RequestFactory


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now, by allauth's own TOTP helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def totp_activate(user) -> str:
    """Give ``user`` a TOTP authenticator (unless there is one); returns the new secret."""
    secret = generate_totp_secret()
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return secret


def session_mfa_passed(client, user) -> None:
    """Record in ``client``'s session (already logged in as ``user``) the password and TOTP
    steps of a login, as allauth records them."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()


def login_with_mfa(client, user) -> None:
    """Log ``user`` in on ``client`` with TOTP set up and the MFA step passed in this session."""
    totp_activate(user)
    client.force_login(user)
    session_mfa_passed(client, user)
