"""Every admin screen that shows a member's personal data records who saw it.

A superuser walks the whole Wagtail admin: every URL without arguments, then every admin link
found on the pages, a few of each route, with one member who has a row in every table of the
personal-data registry (``tests/reliability/privacy_member.py``: distinctive names, line,
account number, address and words). Each page that shows any of that member's identifiers
must have written at least one "viewed" entry about the member during its request; the test
names every screen that did not. A new screen is covered the day it is added, whatever app it
belongs to and however it reaches the member."""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from club.audit.models import AuditEntry
from club.audit.services import PERSONAL_DATA_VIEWED
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa
from tests.reliability.privacy_member import ME, member_with_everything

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ADMIN = "/admin/"
PER_ROUTE = 2  # a few URLs of each route: the first rows of each listing, its filters
# failwhale: Wagtail's page that fails on purpose
NEVER_VISIT = ("logout", "/login", "/password_reset", "/reauthenticate", "/failwhale/")
REGEX_OR_ARGUMENT = re.compile(r"[<>()\[\]*+?\\|{}]")
HREF = re.compile(r"""href=["']([^"'#][^"']*)["']""")
IDENTIFIERS = {
    "msisdn": ME.msisdn, "account number": ME.account_number, "email": ME.email,
    "first name": ME.first_name, "last name": ME.last_name, "street": ME.street, "words": ME.written,
}


def _admin_routes_without_arguments() -> list[str]:
    """The admin URLs that need no argument, from the URL configuration itself."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).replace("^", "").replace("$", "")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not REGEX_OR_ARGUMENT.search(route):
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted({path for path in found if path.startswith(ADMIN)})


def _route(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    return match.route or match.view_name


def _links(html: str) -> list[str]:
    links = []
    for href in HREF.findall(html):
        url = urldefrag(unescape(href)).url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith(ADMIN):
            continue
        links.append(url)
    return links


def _text_of_json(value) -> str:
    """The strings of a JSON answer, joined (a modal's HTML is one of them)."""
    if isinstance(value, dict):
        return "\n".join(_text_of_json(item) for item in value.values())
    if isinstance(value, list):
        return "\n".join(_text_of_json(item) for item in value)
    return value if isinstance(value, str) else ""


def _shown(html: str) -> list[str]:
    text = unescape(html)
    return [name for name, value in IDENTIFIERS.items() if value in text]


def _viewed_entries(member_id: int) -> int:
    return AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED, member_id=member_id).count()


def test_every_admin_screen_showing_a_members_data_records_the_view():
    member, _context = member_with_everything()
    superuser = staff_with_mfa(is_superuser=True)
    client = Client(raise_request_exception=False)
    login_with_mfa(client, superuser)

    queue = deque(_admin_routes_without_arguments())
    seen_urls: set[str] = set(queue)
    per_route: Counter[str] = Counter()
    visited, showing, unaudited, failed = 0, [], [], []
    while queue:
        url = queue.popleft()
        route = _route(urlsplit(url).path)
        if not route or per_route[route] >= PER_ROUTE or any(word in url for word in NEVER_VISIT):
            continue
        per_route[route] += 1
        before = _viewed_entries(member.pk)
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            failed.append(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not ("html" in content_type or "json" in content_type):
            continue  # chooser modals answer JSON with their HTML inside
        html = _text_of_json(response.json()) if "json" in content_type else response.content.decode()
        shown = _shown(html)
        if shown:
            showing.append(url)
            if _viewed_entries(member.pk) == before:
                unaudited.append(f"{url} ({route}) shows {', '.join(shown)}")
        for link in _links(html):
            if link not in seen_urls:
                seen_urls.add(link)
                queue.append(link)

    print(f"walked {visited} admin pages, {len(showing)} showed the member")
    assert visited > 150, f"the walk reached only {visited} admin pages"
    assert reverse("member:inspect", args=[member.pk]) in showing, "the walk must reach the member"
    assert len(showing) > 20, showing
    assert unaudited == [], "\n".join(unaudited)
    assert failed == [], failed
