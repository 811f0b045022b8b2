"""The Content-Security-Policy, enforced by chromium: no page of the public site, the account
pages, the member portal or the partner portal breaks it, and the Wagtail admin keeps within
its own laxer policy (docs/security.md).

Each page is opened with the policy the server sends; every ``securitypolicyviolation`` event
and every console message about the policy is collected. A control first proves the listener
hears a violation: an inline style added to the page is refused and reported.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from club.events.models import EventPage
from club.events.services.rsvp import rsvp_create
from tests.integration.contact.conftest import _gate_prefix  # noqa: F401 (a fixture, used below)
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import PartnerUserFactory

from .conftest import log_in
from .test_portal_accessibility import LAN, UNLINKED_EMAIL, club  # noqa: F401 (a fixture, used below)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("_gate_prefix")]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
                    + ` at ${event.sourceFile || "?"}:${event.lineNumber}`);
});
"""
PUBLIC_PAGES = ["/", "/tiers/", "/rewards/", "/articles/", "/articles/welcome-to-the-club/", "/events/",
                "/events/vip-football-night/", "/events/smartphone-photography-workshop/"]
LOGGED_OUT_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SHOTS = {"/": "home", "/accounts/login/": "login", "/accounts/signup/": "signup", "/portal/": "dashboard",
         "/portal/rewards/": "rewards", "/portal/statement/": "statement",
         "/portal/preferences/": "preferences", "/events/": "events", "/partners/": "partner-dashboard"}


class Visits:
    """Opens pages and keeps what the browser reported about the policy on each."""

    def __init__(self, page, shot):
        self.page, self.shot = page, shot
        self.violations: list[str] = []
        self.policies: dict[str, str] = {}
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def reported(self) -> list[str]:
        return self.page.evaluate("window.__csp")

    def open(self, path: str, *, expect: str | None = None) -> None:
        response = self.page.goto(path)
        assert response.ok, (path, response.status)
        if expect:
            self.page.wait_for_url(f"**{expect}")
        self.policies[path] = response.headers.get("content-security-policy", "")
        self.settle()
        if path in SHOTS:
            self.shot(SHOTS[path])

    def settle(self) -> None:
        """Collect the page's reports (dispatched as tasks: one round trip lets them land)."""
        self.page.wait_for_load_state("load")
        self.page.evaluate("new Promise((done) => setTimeout(done, 50))")
        self.violations.extend(f"{self.page.url}: {line}" for line in self.reported())
        self.page.evaluate("window.__csp = []")


def _strict(policy: str) -> bool:
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    return (directives.get("script-src"), directives.get("style-src")) == (["'self'"], ["'self'"])


def _session_cookie(page, live_server, user, *, mfa_passed: bool = False) -> None:
    """A logged-in session for ``user`` put in the browser (the admin's and the partner
    portal's own logins need a TOTP code: tests/e2e/test_campaign_admin.py does the same)."""
    client = Client()
    if mfa_passed:
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_no_page_of_the_site_and_portals_violates_the_policy(page, live_server, shot, club):  # noqa: F811
    visits = Visits(page, shot)

    # given: the control, on the login page: an inline style is refused and reported
    visits.open("/accounts/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">control</p>')")
    page.evaluate("new Promise((done) => setTimeout(done, 50))")
    control = visits.reported()
    page.evaluate("window.__csp = []")
    assert len(control) == 1 and control[0].startswith("style-src"), control
    assert len(visits.console) == 1 and "Applying inline style violates" in visits.console[0]
    visits.console.clear()
    assert page.get_by_text("control").evaluate("el => getComputedStyle(el).color") != "rgb(255, 0, 0)"

    # when: a visitor opens the public site and the account pages
    for path in PUBLIC_PAGES + LOGGED_OUT_PAGES:
        visits.open(path)
    visits.open("/partners/", expect="/accounts/login/?next=/partners/")

    # when: a login without a line opens the line-linking pages
    log_in(page, UNLINKED_EMAIL, "/portal/link/")
    for path in ["/portal/link/", "/portal/link/code/", "/portal/link/account/"]:
        visits.open(path)
    page.context.clear_cookies()

    # when: Lan, with a ticket for the workshop, opens every page of her portal
    workshop = EventPage.objects.get(slug="smartphone-photography-workshop")
    assert rsvp_create(event_id=workshop.pk, member_id=club["member"].pk).error is None
    log_in(page, LAN.email, "/portal/", password=LAN.password)
    visits.settle()
    member_pages = [*club["member_pages"], reverse("portal:event_ticket", args=(workshop.pk,)),
                    reverse("portal:event_calendar"), "/events/smartphone-photography-workshop/",
                    "/accounts/2fa/totp/activate/"]  # its QR code is a data: image
    for path in member_pages:
        visits.open(path)
    # ... and uses HTMX: takes an offer on the dashboard, filters the rewards catalogue
    visits.open("/portal/")
    page.locator(".offer-card").get_by_role("button", name="Accept").first.click()
    page.locator(".offer-taken").first.wait_for()
    visits.settle()
    visits.open("/portal/rewards/")
    catalogue_filter = page.locator("#catalogue, form").locator("select").first
    if catalogue_filter.count():
        catalogue_filter.select_option(index=1)
        page.wait_for_load_state("networkidle")
        visits.settle()
    page.context.clear_cookies()

    # when: a partner's administrator opens the partner portal
    _session_cookie(page, live_server, PartnerUserFactory().user, mfa_passed=True)
    for path in ["/partners/", reverse("partners:api_keys"), reverse("partners:team"), "/accounts/2fa/"]:
        visits.open(path)

    # then: every page came with the strict policy, and the browser reported no violation
    opened = len(visits.policies)
    lax = [path for path, policy in visits.policies.items() if not _strict(policy)]
    print(f"\ncsp e2e: {opened} pages under the strict policy, {len(lax)} without it, "
          f"{len(visits.violations)} violation events, {len(visits.console)} console reports "
          "(control: 1 caught)")
    assert (lax, visits.violations, visits.console) == ([], [], [])
    assert opened >= 30, opened


def test_the_admin_keeps_within_its_own_policy(page, live_server, shot, club):  # noqa: F811
    # given: staff with MFA and the rights to edit pages
    staff = staff_with_mfa("wagtailadmin.access_admin", is_superuser=True)
    _session_cookie(page, live_server, staff, mfa_passed=True)
    visits = Visits(page, shot)
    home = EventPage.objects.get(slug="vip-football-night").get_parent().get_parent()

    # when: the admin's dashboard, the page tree, a page's editor and the member list are opened
    for path in ["/admin/", "/admin/users/", f"/admin/pages/{home.pk}/", f"/admin/pages/{home.pk}/edit/"]:
        visits.open(path)
    shot("admin-editor")

    # then: the admin's own policy, and no violation of it
    policies = set(visits.policies.values())
    assert len(policies) == 1 and "frame-ancestors 'self'" in policies.pop()
    print(f"\ncsp e2e admin: {len(visits.policies)} admin pages, {len(visits.violations)} violations")
    assert (visits.violations, visits.console) == ([], [])
    assert re.search(r"/admin/pages/\d+/edit/$", page.url)
