"""In-process CPU per request of two hot paths (the dashboard, the partner API), with Django's test
``Client`` against a throwaway database prepared by the benchmarks' own ``_prepare``: figures that
hold on a loaded machine, where the HTTP benchmarks' rates do not (docs/PERFORMANCE.md).

    BENCH_MINIMAL_VIEW=1 ALLOWED_HOSTS=testserver DEBUG=false DATABASE_URL=postgres://... \\
        python -m bench.inprocess [dashboard|partner_api|all] [--n 400] [--repeat 3] [--profile]
        [--html-dir DIR] [--state FILE]

Prints, per repetition, the thread CPU time per request (``time.thread_time``, after a warm-up)
of ``GET /bench/minimal``, the dashboard, a partner validate and a partner redeem. ``--html-dir``
writes every bench member's dashboard in the four languages (CSRF tokens blanked) into DIR, to
compare two versions of the page with ``diff -r``; ``--profile`` prints a cProfile of the last
repetition (``SORT``, ``TOP`` in the environment). ``--state FILE`` keeps the database
(``<NAME>_inprocess``) and what was prepared in it between runs: the first run prepares, the next
ones reuse it (and the partner codes not redeemed yet), which saves minutes per run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import re
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("BENCH_MINIMAL_VIEW", "1")

LANGUAGES = ("en", "vi", "zh-hans", "ru")
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|(csrftoken["\']?\s*[:=]\s*["\'])[^"\']+')


def _cpu_per_request(one, n: int, profile: cProfile.Profile | None = None) -> float:
    if profile:
        profile.enable()
    started = time.thread_time()
    for number in range(n):
        one(number)
    spent = time.thread_time() - started
    if profile:
        profile.disable()
    return spent / n * 1000


def _dashboard_cookies(n_members: int) -> list[str]:
    from bench.scenarios import dashboard

    return [bench_client.cookie for bench_client in dashboard._prepare(size=n_members)]


def _dashboard_clients(cookies: list[str]):
    from django.test import Client

    clients = []
    for cookie in cookies:
        client = Client()
        for pair in cookie.split("; "):
            name, value = pair.split("=", 1)
            client.cookies[name] = value
        clients.append(client)
    return clients


def _set_language(clients, language: str) -> None:
    from django.conf import settings

    for client in clients:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def _dashboard_one(clients):
    def one(number: int) -> None:
        response = clients[number % len(clients)].get("/portal/")
        assert response.status_code == 200, response.status_code

    return one


def _write_html(clients, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        _set_language(clients, language)
        for number, client in enumerate(clients):
            response = client.get("/portal/")
            assert response.status_code == 200
            page = _CSRF.sub(lambda m: (m.group(1) or m.group(2)) + "CSRF", response.content.decode())
            (directory / f"{language}-{number:02d}.html").write_text(page)


def _partner_setup(codes: int):
    from bench.scenarios import partner_api

    secret, per_client = partner_api._prepare(clients=1, codes_per_client=codes)
    return secret, per_client[0]


@contextlib.contextmanager
def _database(state_file: str | None):
    """A fresh database (dropped afterwards), or with ``state_file`` the kept one: yields the
    state (a dict, empty when the database was just created), saved back at the end."""
    from django.db import connection

    from bench.harness import throwaway_database

    if not state_file:
        with throwaway_database():
            yield {}
        return
    path = Path(state_file)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{connection.settings_dict['NAME']}_inprocess"
    if path.exists():
        connection.close()
        connection.settings_dict["NAME"] = connection.settings_dict["TEST"]["NAME"]
        state = json.loads(path.read_text())
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
        state = {}
    try:
        yield state
    finally:
        path.write_text(json.dumps(state))


def _partner_calls(secret: str, codes: list[str], start: int = 0):
    from django.test import Client

    client = Client()
    auth = f"Bearer {secret}"
    cursor = {"validate": start, "redeem": start}

    def call(kind: str, idempotent: bool):
        def one(number: int) -> None:
            code = codes[cursor[kind]]
            cursor[kind] += 1
            headers = {"HTTP_AUTHORIZATION": auth}
            if idempotent:
                headers["HTTP_IDEMPOTENCY_KEY"] = f"k:{code}"
            response = client.post(f"/api/partner/v1/codes/{kind}", json.dumps({"code": code}),
                                   content_type="application/json", **headers)
            assert response.status_code == 200, response.content

        return one

    return cursor, call("validate", False), call("redeem", True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", default="all", choices=("dashboard", "partner_api", "all"))
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--html-dir")
    parser.add_argument("--state")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    with _database(args.state) as state:
        settings.DEBUG = False
        minimal_client = Client()
        dashboards = partner = None
        if args.what in ("dashboard", "all"):
            if "cookies" not in state:
                state["cookies"] = _dashboard_cookies(int(os.environ.get("BENCH_MEMBERS", "200")))
            dashboards = _dashboard_clients(state["cookies"])
        if dashboards and args.html_dir:
            _write_html(dashboards, Path(args.html_dir))
        if args.what in ("partner_api", "all"):
            if "secret" not in state:
                state["secret"], state["codes"] = _partner_setup(20_000)
                state["used"] = 0
            partner = _partner_calls(state["secret"], state["codes"], state["used"])
        if dashboards:
            _set_language(dashboards, "en")
            for client in dashboards:
                client.get("/portal/")

        def minimal(number: int) -> None:
            minimal_client.get("/bench/minimal")

        for _ in range(50):
            minimal(0)
        profile = None
        for repetition in range(args.repeat):
            last = repetition == args.repeat - 1
            figures = [f"minimal {_cpu_per_request(minimal, args.n):.3f}"]
            if dashboards:
                profile = cProfile.Profile(time.thread_time) if args.profile and last else None
                per_request = _cpu_per_request(_dashboard_one(dashboards), args.n, profile)
                figures.append(f"dashboard {per_request:.3f}")
            if partner:
                _, validate, redeem = partner
                if repetition == 0:
                    for number in range(30):
                        validate(number)
                        redeem(number)
                profile_v = cProfile.Profile(time.thread_time) if args.profile and last else None
                profile_r = cProfile.Profile(time.thread_time) if args.profile and last else None
                figures.append(f"validate {_cpu_per_request(validate, args.n, profile_v):.3f}")
                figures.append(f"redeem {_cpu_per_request(redeem, args.n, profile_r):.3f}")
            if partner:
                state["used"] = max(partner[0].values())
            print(f"run {repetition + 1}: " + ", ".join(figures) + f" ms CPU/request ({args.n} each)",
                  flush=True)
        if args.profile:
            sort, top = os.environ.get("SORT", "cumulative"), int(os.environ.get("TOP", "60"))
            for name, prof in (("dashboard", profile), ("validate", locals().get("profile_v")),
                               ("redeem", locals().get("profile_r"))):
                if prof:
                    stats = pstats.Stats(prof)
                    print(f"{name}: {stats.total_calls / args.n:.0f} Python function calls per request")
                    print(f"===== {name}")
                    if os.environ.get("PROFILE_OUT"):
                        prof.dump_stats(f"{os.environ['PROFILE_OUT']}.{name}")
                    stats.sort_stats(sort).print_stats(top)


if __name__ == "__main__":
    main()
