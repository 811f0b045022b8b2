"""The Content-Security-Policy per area of the site (docs/security.md).

django-csp sends ``CONTENT_SECURITY_POLICY`` (the strict policy of the public site, the member
portal, the account pages and the partner portal) on every response. The Wagtail admin is
not ours to rewrite and still needs inline scripts and styles, so responses under one of
``CSP_LAX_PATH_PREFIXES`` get ``CSP_LAX_DIRECTIVES`` instead. A view's own ``@csp_override``
or ``@csp_replace``/``@csp_update`` still applies on top, as with the stock middleware.

Every response also names the group of the policy's ``report-to`` in ``Reporting-Endpoints``
(django-csp 4 writes the directive, not the header), and ``PermissionsPolicyMiddleware`` adds
``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY``.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import cached_property


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

    @cached_property
    def reporting_endpoints(self) -> str:
        return f'{settings.CSP_REPORT_GROUP}="{settings.CSP_REPORT_URL}"'

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        response.headers.setdefault("Reporting-Endpoints", self.reporting_endpoints)
        return response


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in sorted(policy.items()))


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def header(self) -> str:
        return permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
