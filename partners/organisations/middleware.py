"""A partner user's login opens the partner portal, never the member portal or the admin.

A partner user is an outsider acting for a brand: with the same login they must not act as a
subscriber (link a line, redeem, see offers) nor reach the Wagtail admin (which is staff-only
anyway). Whether a login acts for a partner is kept in its session (set at login, and when an
invitation is accepted), so the member portal's pages pay no extra query for it.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from .models import PartnerUser

SESSION_PARTNER_USER_KEY = "partners_is_partner_user"
CONFINED_URL_NAMES = ("portal:dashboard", "wagtailadmin_home", "member_api:api-root")
FORBIDDEN_TEMPLATE = "partners/portal/forbidden.html"


def session_partner_user_flag_set(request, user) -> None:
    """Store in the session whether ``user`` acts for a partner (one query, at login)."""
    session = getattr(request, "session", None)
    if session is not None and user is not None and user.pk is not None:
        session[SESSION_PARTNER_USER_KEY] = PartnerUser.objects.filter(user_id=user.pk).exists()


class PartnerUserConfinedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._prefixes: tuple[str, ...] | None = None

    def _confined_prefixes(self) -> tuple[str, ...]:
        if self._prefixes is None:
            found = []
            for name in CONFINED_URL_NAMES:
                try:
                    found.append(reverse(name))
                except NoReverseMatch:
                    continue
            self._prefixes = tuple(found)
        return self._prefixes

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path.startswith(self._confined_prefixes()):
            if SESSION_PARTNER_USER_KEY not in request.session:  # a session older than this rule
                session_partner_user_flag_set(request, user)
            if request.session[SESSION_PARTNER_USER_KEY]:
                return render(request, FORBIDDEN_TEMPLATE, {"reason": "partner_user_elsewhere"}, status=403)
        return self.get_response(request)
