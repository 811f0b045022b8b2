"""The Wagtail admin is staff-only and staff must use MFA.

- Anyone who can reach the admin (``is_staff``, a superuser, or a group with Wagtail's
  ``access_admin`` permission) and has no TOTP authenticator can reach nothing but the pages
  that set one up (and logout). A password alone never opens the admin.
- A logged-in user without admin access who opens an admin page gets a clear 403, instead of
  Wagtail's redirect to the login page (which, being allauth's, would send a logged-in user
  straight back: a redirect loop).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.shortcuts import redirect, render
from django.urls import reverse

MFA_SETUP_URL_NAME = "mfa_activate_totp"
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz")
ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


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
        is_admin_path = self._is_admin_path(request.path)
        needs_mfa = user.is_staff or user.is_superuser
        if is_admin_path and not needs_mfa:
            if not user.has_perm(ADMIN_ACCESS_PERMISSION):
                return render(request, "account/admin_forbidden.html", status=403)
            needs_mfa = True
        if needs_mfa and not user_has_totp(user):
            return redirect(f"{reverse(MFA_SETUP_URL_NAME)}?next={request.get_full_path()}")
        return self.get_response(request)
