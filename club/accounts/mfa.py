"""Has this session passed MFA? The one answer the admin and the partner portal both ask.

allauth keeps, in the session, the list of the ways the current login was proven
(``allauth.account.authentication.get_authentication_records``): ``password`` at the login
form, ``mfa`` when a TOTP or recovery code was entered (at login, or later at
``mfa_reauthenticate``). Having a TOTP authenticator is not enough: a session that logged in
with a password alone (before TOTP was set up, through ``force_login``, or by a path that
skipped the MFA stage) has no ``mfa`` record. Setting TOTP up does not add one either (allauth
records a code used to authenticate, not one used to activate), so that session is asked for a
code too.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

MFA_SETUP_URL_NAME = "mfa_activate_totp"
MFA_REAUTHENTICATE_URL_NAME = "mfa_reauthenticate"
MFA_METHOD = "mfa"


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request: HttpRequest) -> bool:
    """True when the logged-in user entered a second factor in this session."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == MFA_METHOD for record in records)


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


def mfa_refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the logged-in user has TOTP and entered a code in this session; otherwise the
    redirect to set TOTP up, or to enter a code, then come back."""
    if not user_has_totp(request.user):
        return redirect(_with_next(MFA_SETUP_URL_NAME, request))
    if not session_passed_mfa(request):
        return redirect(_with_next(MFA_REAUTHENTICATE_URL_NAME, request))
    return None
