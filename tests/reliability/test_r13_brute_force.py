"""r13: brute force against every way in, and the one-time codes and MFA that guard it.

Logins go to a real gunicorn (2 worker processes x 4 threads) **and** to this test process,
alternately, on one PostgreSQL database and one Redis: a limit that lived in one process's memory
would let attempts through the other. Clients sit behind one trusted proxy and are told apart by
``X-Forwarded-For`` (``TRUSTED_PROXY_COUNT=1``).

1. Portal (email and phone), Wagtail admin (``/admin/login/``) and partner logins: five wrong
   passwords, then the right one, inside the window. Per account (each attempt from another
   address) and per address (each attempt on another account): the 6th is refused, right
   password or not.
2. Bursts: 20 wrong passwords at once on one account, and at once from one address on 20
   accounts: at most 5 of each are checked against a password.
3. One-time codes. The line-linking SMS code: used by two threads at once, one links and the
   other is refused, and a later reuse too; 601 s old it is refused (599 s old it works);
   8 parallel wrong guesses count at most 5 tries, then the right code is refused. The sign-up
   SMS code: 8 parallel wrong guesses, at most 5 compared, then the right code is refused; a
   code 601 s old is refused.
4. MFA: every parameterless admin page and partner page (but Wagtail's two public assets), for
   staff with superuser rights and partner administrators, with a session that gave the right
   password but no TOTP code (or has no TOTP yet): none answers 200. After the code, the admin
   home and the partner dashboard do (the control that shows the check can fail).
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from club.members import sms
from club.members.models import LineLinkChallenge, Member
from club.members.services.line_link import (
    LineLinkCodeAttemptsExhausted,
    LineLinkCodeExpired,
    LineLinkError,
    line_link_code_request,
    line_link_code_verify,
)
from tests.factories import DEFAULT_PASSWORD, MemberFactory, StaffUserFactory, UserFactory
from tests.partner_fixtures import PartnerUserFactory, totp_activate, totp_now
from tests.races import at_once

from .gunicorn_server import Server, gunicorn_server

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

LOGIN = "/accounts/login/"
TOO_MANY_LOGINS = "Too many failed login attempts"
WRONG = "wrong-password-guess"
BURST = 20
LIMIT = 5
# Wagtail serves these two to anyone, logged in or not (the admin's JavaScript catalogue and icon
# sprite): static assets, no data. Any other page an anonymous visitor gets fails the test.
PUBLIC_ADMIN_ASSETS = {"/admin/jsi18n/", "/admin/sprite/"}


def _outcome(status: int, body: str) -> str:
    """'ok' (logged in or sent on to the MFA step), 'blocked' (the limit) or 'wrong'."""
    if status == 302:
        return "ok"
    if status == 429 or TOO_MANY_LOGINS in body:
        return "blocked"
    return "wrong"


class Attempts:
    """Login attempts, alternately through gunicorn and through this process's test client."""

    def __init__(self, server: Server, path: str = LOGIN):
        self.server, self.path, self.count = server, path, 0

    def one(self, login: str, password: str, ip: str) -> str:
        self.count += 1
        data = {"login": login, "password": password}
        if self.count % 2:
            response = self.server.form_post(self.server.session(), self.path, data, ip=ip)
            return _outcome(response.status_code, response.text)
        response = Client().post(self.path, data, HTTP_X_FORWARDED_FOR=ip)
        return _outcome(response.status_code, response.content.decode())

    def blocked_at(self, tries: list[tuple[str, str, str]]) -> int | None:
        """The number of the first refused attempt (None: never refused)."""
        outcomes = [self.one(*attempt) for attempt in tries]
        return next((n for n, outcome in enumerate(outcomes, 1) if outcome == "blocked"), None)


def _per_account(attempts: Attempts, login: str, net: int) -> int | None:
    tries = [(login, WRONG, f"10.{net}.1.{n}") for n in range(1, LIMIT + 1)]
    return attempts.blocked_at([*tries, (login, DEFAULT_PASSWORD, f"10.{net}.1.99")])


def _per_ip(attempts: Attempts, logins: list[str], net: int) -> int | None:
    ip = f"10.{net}.2.1"
    tries = [(login, WRONG, ip) for login in logins[:LIMIT]]
    return attempts.blocked_at([*tries, (logins[LIMIT], DEFAULT_PASSWORD, ip)])


def _both_ways(attempts: Attempts, logins: list[str], net: int) -> tuple[int | None, int | None]:
    """(per account, per IP): the first login for the first, the others for the second."""
    return _per_account(attempts, logins[0], net), _per_ip(attempts, logins[1:], net)


def _admin_login_path(client: Client) -> str:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    return response["Location"]


def _burst(server: Server, logins_and_ips: list[tuple[str, str]]) -> int:
    """Send the wrong-password logins at once; return how many were checked (not refused)."""
    barrier = threading.Barrier(len(logins_and_ips))

    def attempt(login_ip: tuple[str, str]) -> str:
        login, ip = login_ip
        http = server.session()
        http.get(server.base_url + LOGIN, headers={"X-Forwarded-For": ip}, timeout=30)
        barrier.wait()
        response = http.post(
            server.base_url + LOGIN,
            data={"login": login, "password": WRONG, "csrfmiddlewaretoken": http.cookies["csrftoken"]},
            headers={"X-Forwarded-For": ip}, allow_redirects=False, timeout=60,
        )
        return _outcome(response.status_code, response.text)

    with ThreadPoolExecutor(len(logins_and_ips)) as pool:
        outcomes = list(pool.map(attempt, logins_and_ips))
    assert "ok" not in outcomes
    return outcomes.count("wrong")


def _in_threads(calls) -> list:
    return at_once(calls, caught=(LineLinkError,))


def _line_link_code(user, member) -> str:
    line_link_code_request(user=user, msisdn=member.msisdn, client_ip=f"10.50.0.{user.pk % 250}")
    return re.search(r"is (\d{6})\.", sms.outbox[-1].body).group(1)


def _wrong_codes(right: str, count: int) -> list[str]:
    return [f"{(int(right) + n) % 10**6:06d}" for n in range(1, count + 1)]


def _line_link_reuse_refused() -> tuple[int, int]:
    user, member = UserFactory(), MemberFactory()
    code = _line_link_code(user, member)
    both = _in_threads([lambda: line_link_code_verify(user=user, code=code)] * 2)
    assert sorted(isinstance(r, Member) for r in both) == [False, True], both
    later = _in_threads([lambda: line_link_code_verify(user=user, code=code)])
    refused = sum(isinstance(r, LineLinkError) for r in [*both, *later])
    assert Member.objects.get(pk=member.pk).user_id == user.pk
    return refused, 2


def _line_link_expiry() -> None:
    user, member = UserFactory(), MemberFactory()
    code = _line_link_code(user, member)
    issued = LineLinkChallenge.objects.get(user=user).expires_at - timedelta(minutes=10)
    with pytest.raises(LineLinkCodeExpired):
        line_link_code_verify(user=user, code=code, now=issued + timedelta(seconds=601))
    assert Member.objects.get(pk=member.pk).user_id is None
    line_link_code_verify(user=user, code=code, now=issued + timedelta(seconds=599))
    assert Member.objects.get(pk=member.pk).user_id == user.pk


def _line_link_parallel_guesses() -> int:
    user, member = UserFactory(), MemberFactory()
    code = _line_link_code(user, member)
    _in_threads([lambda c=c: line_link_code_verify(user=user, code=c) for c in _wrong_codes(code, 8)])
    counted = LineLinkChallenge.objects.get(user=user).attempts
    with pytest.raises(LineLinkCodeAttemptsExhausted):
        line_link_code_verify(user=user, code=code)
    assert Member.objects.get(pk=member.pk).user_id is None
    return counted


def _signup_with_phone(client: Client, email: str, phone: str) -> str:
    response = client.post("/accounts/signup/", {
        "email": email, "phone": phone, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD,
    })
    assert response["Location"] == reverse("account_verify_phone"), response
    return re.search(r"code is (\S+)\.$", sms.outbox[-1].body).group(1)


def _phone_verified(email: str) -> bool:
    return get_user_model().objects.get(email=email).phone_verified


def _signup_code_parallel_guesses() -> int:
    client = Client()
    code = _signup_with_phone(client, "burst@example.test", "0912 000 111")
    cookie = client.cookies["sessionid"].value
    barrier = threading.Barrier(8)

    def guess(wrong: str) -> bool:
        other = Client()
        other.cookies["sessionid"] = cookie
        barrier.wait()
        try:
            response = other.post(reverse("account_verify_phone"), {"code": wrong})
            return "Incorrect code" in response.content.decode()
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        compared = sum(pool.map(guess, _wrong_codes(code, 8)))
    client.post(reverse("account_verify_phone"), {"code": code})
    assert not _phone_verified("burst@example.test")
    return compared


def _signup_code_expiry() -> None:
    client = Client()
    code = _signup_with_phone(client, "late@example.test", "0912 000 222")
    session = client.session
    state = _find_code_state(dict(session))
    state["at"] -= 601  # the code was sent 601 s ago
    session.save()
    client.post(reverse("account_verify_phone"), {"code": code})
    assert not _phone_verified("late@example.test")


def _find_code_state(node):
    if isinstance(node, dict):
        if {"at", "code", "phone"} <= node.keys():
            return node
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    return next((found for child in children if (found := _find_code_state(child)) is not None), None)


def _plain_paths(prefix: str) -> list[str]:
    """Every URL under ``prefix`` that takes no parameter, from the resolver."""
    found: list[str] = []

    def walk(patterns, base: str) -> None:
        for pattern in patterns:
            route = base + str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not re.search(r"[<(\[?*+\\]", route):
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted({path for path in found if path.startswith(prefix) and "/login/" not in path
                   and "/logout/" not in path})


def _password_only_client(user) -> Client:
    client = Client()
    response = client.post(LOGIN, {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def _reachable(client: Client, paths: list[str]) -> list[str]:
    return [path for path in paths if client.get(path).status_code == 200]


def _totp_passed(client: Client, secret: str) -> Client:
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    assert response.status_code == 302, response
    return client


def test_r13_brute_force(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    users = get_user_model().objects
    accounts = LIMIT + 2
    members = [UserFactory() for _ in range(accounts)]
    phones = [UserFactory(phone=f"+8491234{n:04d}", phone_verified=True) for n in range(accounts)]
    staff = [StaffUserFactory() for _ in range(accounts)]
    partner_users = [PartnerUserFactory().user for _ in range(accounts)]
    for user in [*staff, *partner_users]:
        totp_activate(user)
    burst_account = UserFactory()
    burst_targets = [UserFactory() for _ in range(BURST)]

    blocked: dict[str, tuple] = {}
    with gunicorn_server(env={"TRUSTED_PROXY_COUNT": "1"}) as server:
        portal = Attempts(server)
        admin = Attempts(server, _admin_login_path(Client()))
        blocked["portal"] = _both_ways(portal, [u.email for u in members], 1)
        blocked["phone"] = _both_ways(portal, ["0912340000", *(u.phone for u in phones[1:])], 2)
        blocked["admin"] = _both_ways(admin, [u.email for u in staff], 3)
        blocked["partner"] = _both_ways(portal, [u.email for u in partner_users], 4)
        checked_one_account = _burst(server, [(burst_account.email, f"10.9.0.{n}") for n in range(BURST)])
        checked_one_ip = _burst(server, [(u.email, "10.9.1.1") for u in burst_targets])

    reuse_refused, reuse_tries = _line_link_reuse_refused()
    _line_link_expiry()
    line_link_counted = _line_link_parallel_guesses()
    signup_compared = _signup_code_parallel_guesses()
    _signup_code_expiry()

    admin_paths, partner_paths = _plain_paths("/admin/"), _plain_paths("/partners/")
    assert set(_reachable(Client(), [*admin_paths, *partner_paths])) == PUBLIC_ADMIN_ASSETS
    admin_paths = [path for path in admin_paths if path not in PUBLIC_ADMIN_ASSETS]
    bare_staff, bare_partner = StaffUserFactory(is_superuser=True), PartnerUserFactory().user
    mfa_staff, mfa_partner = StaffUserFactory(is_superuser=True), PartnerUserFactory().user
    staff_secret, partner_secret = totp_activate(mfa_staff), totp_activate(mfa_partner)
    sessions = [_password_only_client(u) for u in (bare_staff, mfa_staff, bare_partner, mfa_partner)]
    reachable = [hit for client in sessions for hit in _reachable(client, [*admin_paths, *partner_paths])]
    totp_activate(bare_staff)  # TOTP set up after that session logged in with the password alone
    forced_staff, forced_partner = Client(), Client()  # sessions that skipped every login step
    forced_staff.force_login(mfa_staff)
    forced_partner.force_login(mfa_partner)
    late = [(sessions[0], admin_paths), (forced_staff, admin_paths), (forced_partner, partner_paths)]
    reachable_without_the_code = [hit for client, paths in late for hit in _reachable(client, paths)]
    admin_after_code = _totp_passed(sessions[1], staff_secret).get("/admin/users/").status_code
    partner_after_code = _totp_passed(sessions[3], partner_secret).get("/partners/").status_code

    print(
        "\nr13: blocked at attempt (per account/per IP): "
        + ", ".join(f"{kind} {a}/{b}" for kind, (a, b) in blocked.items())
        + f"; bursts of {BURST}: {checked_one_account} checked on one account, {checked_one_ip} from one IP"
        f"; line code reuse refused {reuse_refused}/{reuse_tries}, age 601 s refused, 599 s accepted"
        f", {line_link_counted} of 8 parallel guesses counted; sign-up code {signup_compared} of 8"
        f" parallel guesses compared, age 601 s refused; mfa {len(reachable)} of"
        f" {len(sessions) * (len(admin_paths) + len(partner_paths))} page visits reachable with a password"
        f" only ({len(admin_paths)} admin, {len(partner_paths)} partner pages x 4 sessions)"
        f"; {len(reachable_without_the_code)} reachable by a session older than TOTP or force-logged-in"
        f", after the code admin {admin_after_code} partner {partner_after_code}"
    )
    assert blocked == {kind: (LIMIT + 1, LIMIT + 1) for kind in blocked}
    assert 1 <= checked_one_account <= LIMIT and 1 <= checked_one_ip <= LIMIT
    assert (reuse_refused, line_link_counted) == (reuse_tries, LIMIT)
    assert signup_compared <= LIMIT
    assert reachable == [] and reachable_without_the_code == []
    assert (admin_after_code, partner_after_code) == (200, 200)
    burst_pks = [u.pk for u in [burst_account, *burst_targets]]
    assert not users.filter(pk__in=burst_pks, last_login__isnull=False).exists()
