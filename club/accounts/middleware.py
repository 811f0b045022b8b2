"""The Wagtail admin is staff-only, and staff must have entered their second factor.

- Only ``is_staff`` users (and superusers) reach an admin page. Anyone else logged in gets a
  clear 403, even with Wagtail's ``access_admin`` permission through a group, instead of
  Wagtail's redirect to the login page (which, being allauth's, would send a logged-in user
  straight back: a redirect loop).
- Staff reach nothing but the pages of ``ALLOWED_PREFIXES`` (login, MFA, logout) until this
  session has passed MFA (``club.accounts.mfa``): without a TOTP authenticator they are sent to
  set one up, without a code entered in this session they are sent to enter one. A password
  alone never opens the admin.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from .mfa import mfa_refusal

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz")
ADMIN_FORBIDDEN_TEMPLATE = "account/admin_forbidden.html"


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def _is_admin_path(self, path: str) -> bool:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("wagtailadmin_home")
        return path.startswith(self._admin_prefix)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return self.get_response(request)
        is_staff = user.is_staff or user.is_superuser
        if not is_staff:
            if self._is_admin_path(request.path):
                return render(request, ADMIN_FORBIDDEN_TEMPLATE, status=403)
            return self.get_response(request)
        return mfa_refusal(request) or self.get_response(request)
