"""The site's header: ``{% site_nav_links as links %}``, the home page's live children that are
shown in menus; ``{% site_nav %}``, those links as the header's HTML; ``{% site_asset path %}``,
the URL of a static asset every page links.

Cached per host and per generation of the page tree (``cms.models`` starts a new generation
whenever a page is saved or deleted), so most requests ask the database nothing; and kept in
the process for ``LOCAL_SECONDS`` (the reference data's rule, docs/reference-cache.md), so most
ask Redis nothing either."""

from __future__ import annotations

import functools
import time
import uuid
from dataclasses import dataclass

from django import template
from django.core.cache import cache
from django.db.models import Case, Q, Subquery, When
from django.templatetags.static import static
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from cms.models import SITE_NAV_GENERATION_KEY, SITE_NAV_LOCAL_COPIES
from rewards.reference import LOCAL_SECONDS

register = template.Library()

NAV_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class NavLink:
    title: str
    url: str
    is_current: bool = False


def _generation() -> str:
    generation = cache.get(SITE_NAV_GENERATION_KEY)
    if generation is None:
        cache.add(SITE_NAV_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(SITE_NAV_GENERATION_KEY) or "none"
    return generation


def _links_for(request) -> list[tuple[str, str]]:
    """One query: the children of the root of the request's site (the site of its host name,
    else the default site), with the root's url path to make their urls relative to it."""
    hostname = request.get_host().split(":")[0]
    site = (
        Site.objects.filter(Q(hostname=hostname) | Q(is_default_site=True))
        .annotate(other_host=Case(When(hostname=hostname, then=0), default=1))
        .order_by("other_host", "-is_default_site", "pk")
    )
    root = {field: Subquery(site.values(f"root_page__{field}")[:1])
            for field in ("depth", "path", "url_path")}
    children = (
        Page.objects.live().in_menu()
        .filter(depth=root["depth"] + 1, path__startswith=root["path"])
        .annotate(root_url_path=root["url_path"])
        .order_by("path")
        .values_list("title", "url_path", "root_url_path")
    )
    # Relative to the site's root, as Page.get_url gives it for a page of the current site.
    return [(title, url_path[len(root_url_path) - 1:]) for title, url_path, root_url_path in children]


@register.simple_tag(takes_context=True)
def site_nav_links(context) -> list[NavLink]:
    request = context.get("request")
    if request is None:
        return []
    host = request.get_host()
    local = SITE_NAV_LOCAL_COPIES.get(host)
    if local is not None and local[0] > time.monotonic():
        links = local[1]
    else:
        key = f"cms:site-nav:{_generation()}:{host}"
        links = cache.get(key)
        if links is None:
            links = _links_for(request)
            cache.set(key, links, timeout=NAV_TIMEOUT)
        SITE_NAV_LOCAL_COPIES[host] = (time.monotonic() + LOCAL_SECONDS, links)
    path = request.path
    return [NavLink(title, url, is_current=path.startswith(url)) for title, url in links]


@register.simple_tag(takes_context=True)
def site_nav(context) -> str:
    """The header's links, built here rather than by a template loop over ``site_nav_links``
    (every page shows them: a loop of tags costs about ten times as much)."""
    return format_html_join(
        "\n", '<a href="{}" class="site-nav-link"{}>{}</a>',
        ((link.url, mark_safe(' aria-current="page"') if link.is_current else "", link.title)
         for link in site_nav_links(context)),
    )


@register.simple_tag
def site_asset(path: str) -> str:
    """``{% static path %}`` for the assets every page links (the stylesheet, the scripts),
    worked out once per process: the storage's answer for a path does not change while it runs
    (the manifest of hashed names is read at start)."""
    return _asset_url(path)


@functools.lru_cache(maxsize=32)
def _asset_url(path: str) -> str:
    return static(path)
