"""r14: an operator's security audit of the deployment settings and the response headers.

- ``manage.py check --deploy`` under ``config.settings.production`` (in a subprocess, with the
  environment .ci/run gives it) reports no issue of any level, with and without the operator's
  opt-in to HSTS preloading.
- Real responses (the public site, the account pages, the member portal, the partner portal,
  the Wagtail admin, a static file, /healthz), made here with the security settings that
  production computes (read from the production module in a subprocess, so the test follows
  any change to it), carry HSTS with includeSubDomains (preload only when opted in), nosniff,
  a Referrer-Policy, X-Frame-Options, a Permissions-Policy that denies camera, microphone,
  geolocation and payment, and a Content-Security-Policy with frame-ancestors and a report
  endpoint (report-uri, report-to and Reporting-Endpoints). The policy of every area but the
  admin allows no inline script or style at all; the admin's is laxer (docs/security.md).
- No template of those areas holds what that policy would block: an inline ``<script>`` body,
  an ``on*=`` handler, a ``style`` attribute, a ``<style>`` element, a ``javascript:`` URL or an
  htmx attribute that evaluates code.

Prints one line of figures.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client

from tests.factories import MemberFactory, UserFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.partner_fixtures import PartnerUserFactory, partner_login

REPO = Path(__file__).resolve().parents[2]
HOST = "club.operator.example"
# What production computes for these settings is what the responses below are made with.
PRODUCTION_KEYS = [
    "DEBUG", "MIDDLEWARE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CONTENT_SECURITY_POLICY",
    "CSP_LAX_PATH_PREFIXES", "CSP_LAX_DIRECTIVES", "SILENCED_SYSTEM_CHECKS", "PERMISSIONS_POLICY",
]
SELF, NONE = ["'self'"], ["'none'"]
DENIED_FEATURES = {"camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"}
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")
# Templates of the areas with the strict policy: every app's templates but the admin's screens
# and the emails (mail clients need inline styles; no browser applies our CSP to them).
ADMIN_ONLY = re.compile(
    r"/admin/|/email/|/wagtailadmin/|audiences/(_groups|preview)\.html|campaign_reports/|"
    r"members/import/|profiles/(churn|segments|profile)/|campaigns/preview\.html"
)
INLINE = {
    "inline <script> body": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I),
    "on*= handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    # hx-on handlers, js: values and [filters] in triggers are evaluated (eval is off in htmx-config)
    "htmx eval": re.compile(r"\bhx-on\b|hx-on[:-]|hx-vals\s*=\s*.\s*js:|hx-trigger\s*=\s*[^>]*\[", re.I),
}


def _production_env(**extra_env: str) -> dict[str, str]:
    inherited = ("DJANGO_", "SECURE_", "DEBUG")
    env = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        # production refuses to start without them; neither check nor the dump below connects
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        REDIS_URL="redis://127.0.0.1:6379/15",
        **extra_env,
    )
    return env


def _production(*variants: dict[str, str]) -> list[tuple[int, str, dict]]:
    """For each variant of the environment, side by side: ``check --deploy`` run by production's
    settings, then the values they compute for PRODUCTION_KEYS: (exit status, the check's
    output, the values)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='DEBUG'); "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_KEYS!r}}}))"
    )
    running = [
        subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=_production_env(**variant),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for variant in variants
    ]
    results = []
    for process in running:
        stdout, stderr = process.communicate(timeout=300)
        if process.returncode:
            results.append((process.returncode, (stdout + stderr).strip(), {}))
            continue
        *check_lines, dumped = stdout.strip().splitlines()
        values = json.loads(dumped)
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
        results.append((0, "\n".join([*check_lines, stderr.strip()]).strip(), values))
    return results


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def _https(client: Client, path: str):
    return client.get(path, HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")


def test_r14_check_deploy_and_security_headers(settings, db):
    # given: production's own answers, by default and with HSTS preloading opted in
    runs = dict(zip(("default", "preload"), _production({}, {"SECURE_HSTS_PRELOAD": "true"}), strict=True))
    checks = {name: (status, output) for name, (status, output, _) in runs.items()}
    production, preloaded = runs["default"][2], runs["preload"][2]
    for key, value in production.items():
        setattr(settings, key, value)
    settings.ALLOWED_HOSTS = [HOST]
    # WhiteNoise serves collected files in production; here, the same files from the finders
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True

    # then: check --deploy finds nothing, at any level, either way
    for name, (status, output) in checks.items():
        assert (name, status) == (name, 0), output
        assert re.search(r"System check identified no issues \(\d+ silenced\)\.$", output), output
    assert "config.csp.AreaCSPMiddleware" in production["MIDDLEWARE"]
    # the only security check silenced is the advice to preload, and only without the opt-in
    silenced = [[name for name in run["SILENCED_SYSTEM_CHECKS"] if name.startswith("security.")]
                for run in (production, preloaded)]
    assert silenced == [["security.W021"], []]

    # given: a visitor, a member, a partner user and a staff user with MFA
    visitor, member, partner, staff = Client(), Client(), Client(), Client()
    member.force_login(MemberFactory(user=UserFactory()).user)
    partner_login(partner, PartnerUserFactory().user)
    partner_login(staff, staff_with_mfa("wagtailadmin.access_admin"))
    strict_pages = [
        (visitor, "/accounts/login/"), (visitor, "/accounts/signup/"), (visitor, "/accounts/password/reset/"),
        (visitor, "/partners/"), (member, "/portal/"), (member, "/portal/preferences/"),
        (member, "/portal/statement/"), (member, "/portal/rewards/"), (partner, "/partners/"),
        (visitor, "/healthz"), (visitor, "/no-such-page/"),
    ]
    lax_pages = [(staff, "/admin/"), (visitor, "/admin/")]

    # when: each is asked for over HTTPS (behind the proxy), and once over plain HTTP
    responses = [(path, _https(client, path)) for client, path in strict_pages + lax_pages]
    plain = visitor.get("/accounts/login/", HTTP_HOST=HOST)

    # then: plain HTTP is sent to HTTPS; every HTTPS answer has the headers an audit asks for
    assert (plain.status_code, plain["Location"]) == (301, f"https://{HOST}/accounts/login/")
    seen = {}
    for path, response in responses:
        seen[(path, response.status_code)] = response
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        csp = policy(response["Content-Security-Policy"])
        assert (csp["object-src"], csp["base-uri"], csp["default-src"]) == (NONE, SELF, SELF), path
        assert (csp["report-uri"], csp["report-to"]) == (["/csp-report"], ["csp"]), path
        assert response["Reporting-Endpoints"] == 'csp="/csp-report"', path
        assert DENIED_FEATURES <= set(response["Permissions-Policy"].split(", ")), path
    # the pages were the real ones, not redirects to a login
    statuses = [response.status_code for _, response in responses]
    assert statuses == [200, 200, 200, 302, 200, 200, 200, 200, 200, 200, 404, 200, 302], statuses

    strict = [policy(response["Content-Security-Policy"]) for _, response in responses[: len(strict_pages)]]
    lax = [policy(response["Content-Security-Policy"]) for _, response in responses[len(strict_pages):]]
    for csp in strict:
        assert (csp["script-src"], csp["style-src"], csp["frame-ancestors"]) == (SELF, SELF, SELF)
        assert [source for sources in csp.values() for source in sources if source in UNSAFE] == []
    for csp in lax:
        assert csp["frame-ancestors"] == ["'self'"]
        assert "'unsafe-inline'" in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]

    # then: a static file gets the same headers (WhiteNoise answers below the CSP middleware)
    static = _https(visitor, "/static/css/troika.css")
    assert (static.status_code, static["X-Content-Type-Options"], static["Strict-Transport-Security"],
            policy(static["Content-Security-Policy"])["script-src"]) == (
        200, "nosniff", "max-age=31536000; includeSubDomains", SELF)
    assert DENIED_FEATURES <= set(static["Permissions-Policy"].split(", "))

    # then: with the opt-in, HSTS asks to be preloaded
    settings.SECURE_HSTS_PRELOAD = preloaded["SECURE_HSTS_PRELOAD"]
    preload_header = _https(Client(), "/accounts/login/")["Strict-Transport-Security"]
    assert preload_header == "max-age=31536000; includeSubDomains; preload"

    issues = [len(re.findall(r"^\S+: \([a-z_]+\.[WEIC]\d+\)", output, re.M)) for _, output in checks.values()]
    print(f"\nr14: check --deploy issues {issues[0]} (default) + {issues[1]} (preload opted in); "
          f"{len(responses)} responses, {len(strict)} strict CSP with 0 unsafe sources, "
          f"{len(lax)} admin CSP; "
          f"HSTS preload only when opted in")


def _strict_area_templates() -> list[Path]:
    roots = [REPO / app for app in ("cms", "club", "partners", "rewards", "campaigns")]
    return sorted(
        path for root in roots for path in root.rglob("templates/**/*.html")
        if not ADMIN_ONLY.search("/" + path.as_posix().split("/templates/", 1)[1])
    )


def test_r14_no_template_of_the_strict_areas_holds_inline_code_or_style():
    # given: every template of the site, the portals and the account pages
    templates = _strict_area_templates()
    assert len(templates) > 80, len(templates)

    # when: each is searched for what a policy without 'unsafe-inline' blocks
    found = [
        f"{path.relative_to(REPO)}:{text[: match.start()].count(chr(10)) + 1}: {what}"
        for path in templates
        for text in [path.read_text()]
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]

    # then: none
    print(f"\nr14: {len(templates)} templates of the strict areas, {len(found)} inline scripts or styles")
    assert found == []
