"""The Content-Security-Policy per area of the site (docs/security.md).

django-csp sends ``CONTENT_SECURITY_POLICY`` (the strict policy of the public site, the member
portal, the account pages and the partner portal) on every response. The Wagtail admin is
not ours to rewrite and still needs inline scripts and styles, so responses under one of
``CSP_LAX_PATH_PREFIXES`` get ``CSP_LAX_DIRECTIVES`` instead. A view's own ``@csp_override``
or ``@csp_replace``/``@csp_update`` still applies on top, as with the stock middleware.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def lax_area(path: str) -> bool:
    """Whether ``path`` (a request's ``path_info``) belongs to an area with the lax policy."""
    return path.startswith(tuple(settings.CSP_LAX_PATH_PREFIXES))


class AreaCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and lax_area(request.path_info):
            parts.config = settings.CSP_LAX_DIRECTIVES
        return parts
