"""The partner portal's menu (``{% partner_nav %}``), from ``partners.urls.PORTAL_NAV``."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@dataclass(frozen=True)
class PortalLink:
    url: str
    label: str
    is_current: bool


@register.simple_tag(takes_context=True)
def partner_nav(context) -> list[PortalLink]:
    from partners.urls import PORTAL_NAV  # the URLconf module; read at render time

    request = context.get("request")
    partner_user = getattr(request, "partner_user", None)
    current = request.resolver_match.view_name if request and request.resolver_match else ""
    links = []
    for url_name, label, admin_only in PORTAL_NAV:
        if admin_only and not (partner_user and partner_user.is_admin):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # a page not mounted (yet)
            continue
        links.append(PortalLink(url=url, label=str(label), is_current=url_name == current))
    return links
