"""Opens an audit context for Wagtail admin requests only (docs/audit.md)."""

from __future__ import annotations

from django.urls import reverse

from .context import audit_context, audit_context_for_request


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("wagtailadmin_home")
        if not request.path.startswith(self._admin_prefix):
            return self.get_response(request)
        with audit_context(audit_context_for_request(request)):
            return self.get_response(request)
