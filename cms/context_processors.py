"""Template context for every page: the site's fixed links, worked out once per process.
``{% url %}`` costs tens of microseconds a call and a page has about ten of them. (The language
switcher's options are ``{% language_options %}``, kept per language.)"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse

FIXED_LINKS = {
    "dashboard": "portal:dashboard",
    "rewards": "portal:rewards",
    "statement": "portal:statement",
    "bundles": "portal:bundles",
    "preferences": "portal:preferences",
    "link": "portal:link",
    "partner_codes": "portal:partner_codes",
    "membership": "portal:membership",
    "complaints": "portal:complaints",
    "surveys": "portal:surveys",
    "admin": "wagtailadmin_home",
    "login": "account_login",
    "logout": "account_logout",
    "signup": "account_signup",
    "email": "account_email",
    "change_password": "account_change_password",
    "mfa": "mfa_index",
    "set_language": "set_language",
}


@functools.lru_cache(maxsize=16)
def _links(script_prefix: str, urlconf: str) -> dict[str, str]:
    found = {}
    for key, name in FIXED_LINKS.items():
        try:
            found[key] = reverse(name)
        except NoReverseMatch:  # an app that is not installed here
            continue
    return found


def site_links(request) -> dict:
    return {
        "site_urls": _links(get_script_prefix(), settings.ROOT_URLCONF),
    }
