"""Who may open a partner portal page, and the only way to load a partner's object.

Every partner portal view is wrapped by ``partner_user_required`` (or ``partner_admin_required``),
and loads any object named in its URL through ``access_partner_object`` (or a model-specific
``access_*`` helper built on it), so a partner never reaches another partner's rows: the answer
is 404, as if the object did not exist.

A page opens only for a logged-in user who

1. acts for a partner (has a ``PartnerUser``), and is not staff (a partner user is an outsider);
2. whose partner is active;
3. has a TOTP authenticator (else: sent to set one up, then back);
4. passed MFA in this session: entered a TOTP or recovery code at login or re-authentication
   (else: asked for a code, then back). Setting TOTP up is not entering a code: the session
   that just did so is asked for one (``club.accounts.mfa``, the admin's rule too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from club.accounts.mfa import mfa_refusal

from .models import PartnerUser

FORBIDDEN_TEMPLATE = "partners/portal/forbidden.html"


def partner_user_for(user) -> PartnerUser | None:
    """The user's ``PartnerUser`` with its partner, or None (anonymous, or not a partner user)."""
    if user is None or not user.is_authenticated:
        return None
    return PartnerUser.objects.select_related("partner").filter(user_id=user.pk).first()


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
    if refused := mfa_refusal(request):
        return refused
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
