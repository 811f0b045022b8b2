"""Who may open a partner portal page, and the only way to load a partner's object.

Every partner portal view is wrapped by ``partner_user_required`` (or ``partner_admin_required``),
and loads any object named in its URL through ``access_partner_object`` (or a model-specific
``access_*`` helper built on it), so a partner never reaches another partner's rows: the answer
is 404, as if the object did not exist.

A page opens only for a logged-in user who

1. acts for a partner (has a ``PartnerUser``), and is not staff (a partner user is an outsider);
2. whose partner is active;
3. has a TOTP authenticator (else: sent to set one up, then back);
4. passed MFA in this session: entered a TOTP or recovery code at login or re-authentication, or
   set up TOTP in this session (else: asked for a code, then back).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from .models import PartnerUser

MFA_SETUP_URL_NAME = "mfa_activate_totp"
MFA_REAUTHENTICATE_URL_NAME = "mfa_reauthenticate"
# Set by ``mark_mfa_activated_in_session`` when the user sets TOTP up in this session (allauth
# records a used code, not an activation; activating needs a valid code all the same).
SESSION_MFA_ACTIVATED_KEY = "partners_mfa_activated_user"
FORBIDDEN_TEMPLATE = "partners/portal/forbidden.html"


def partner_user_for(user) -> PartnerUser | None:
    """The user's ``PartnerUser`` with its partner, or None (anonymous, or not a partner user)."""
    if user is None or not user.is_authenticated:
        return None
    return PartnerUser.objects.select_related("partner").filter(user_id=user.pk).first()


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_passed_in_session(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    return request.session.get(SESSION_MFA_ACTIVATED_KEY) == str(request.user.pk)


def mark_mfa_activated_in_session(request: HttpRequest, user) -> None:
    """Called when ``user`` sets TOTP up in this session (allauth's ``authenticator_added``)."""
    if request is not None and hasattr(request, "session") and user is not None:
        request.session[SESSION_MFA_ACTIVATED_KEY] = str(user.pk)


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)


def partner_gate(request: HttpRequest, *, admin_only: bool = False) -> HttpResponse | None:
    """None when the request may open a partner page (``request.partner_user`` then set);
    otherwise the answer to give instead (login redirect, 403 page, MFA redirect)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    partner_user = partner_user_for(request.user)
    if partner_user is None or request.user.is_staff or request.user.is_superuser:
        return _forbidden(request, "not_partner_user")
    if not partner_user.partner.is_active:
        return _forbidden(request, "partner_inactive")
    if not user_has_totp(request.user):
        return redirect(_with_next(MFA_SETUP_URL_NAME, request))
    if not mfa_passed_in_session(request):
        return redirect(_with_next(MFA_REAUTHENTICATE_URL_NAME, request))
    if admin_only and not partner_user.is_admin:
        return _forbidden(request, "admin_only")
    request.partner_user = partner_user
    return None


def partner_user_required(view: Callable | None = None, *, admin_only: bool = False):
    """Decorator for a partner portal view: see the module's docstring. Usable bare
    (``@partner_user_required``) or with ``admin_only=True``."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            refused = partner_gate(request, admin_only=admin_only)
            if refused is not None:
                return refused
            return func(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


def partner_admin_required(view: Callable) -> Callable:
    """Decorator for the actions only a partner's administrator may take."""
    return partner_user_required(view, admin_only=True)


class PartnerUserRequiredMixin:
    """Class-based views: the same gate as ``partner_user_required``."""

    partner_admin_only = False

    def dispatch(self, request, *args, **kwargs):
        refused = partner_gate(request, admin_only=self.partner_admin_only)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)


class PartnerAdminRequiredMixin(PartnerUserRequiredMixin):
    partner_admin_only = True


def access_partner_object(
    request: HttpRequest, queryset: QuerySet, pk, *, partner_field: str = "partner"
) -> Model:
    """The object ``pk`` of ``queryset`` when it belongs to the logged-in user's partner, else 404.

    ``partner_field`` is the lookup from the model to its ``Partner`` (e.g. ``"copromotion__partner"``).
    Call it only behind ``partner_user_required``.
    """
    partner_user = getattr(request, "partner_user", None)
    if partner_user is None:  # a view that forgot its gate must not leak: refuse
        raise Http404
    try:
        return queryset.get(pk=pk, **{partner_field: partner_user.partner_id})
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
