"""A real web server for reliability tests: gunicorn, several worker processes, on the test's
own database and the test's own Redis key prefix, so its processes and the test process share
every counter the way production's web processes do.

The test must be ``django_db(transaction=True)``: the server sees only committed rows.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Server:
    base_url: str

    def session(self) -> requests.Session:
        """A client that opens a connection per request: gunicorn closes an idle kept-alive
        one after 2 s, and a request sent on it just then would be reset."""
        http = requests.Session()
        http.headers["Connection"] = "close"
        return http

    def form_post(self, http: requests.Session, path: str, data: dict, *, ip: str) -> requests.Response:
        """GET the form (for its CSRF token), then POST it, as a client at ``ip`` behind one
        trusted proxy (``X-Forwarded-For``). Redirects are not followed."""
        headers = {"X-Forwarded-For": ip}
        page = http.get(self.base_url + path, headers=headers, allow_redirects=False, timeout=60)
        match = _CSRF_INPUT.search(page.text)
        token = match.group(1) if match else http.cookies.get("csrftoken", "")
        return http.post(
            self.base_url + path, data={**data, "csrfmiddlewaretoken": token},
            headers={**headers, "Referer": self.base_url + path}, allow_redirects=False, timeout=60,
        )


@contextlib.contextmanager
def gunicorn_server(
    *, workers: int = 2, threads: int = 4, env: dict[str, str] | None = None
) -> Iterator[Server]:
    port = _free_port()
    server_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        **(env or {}),
    }
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
         "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=server_env, stdout=log, stderr=log,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        # The first answer of each worker imports and compiles much: slow on a loaded machine.
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"gunicorn exited: {log.read().decode()[-2000:]}")
            try:
                if requests.get(f"{base_url}/accounts/login/", timeout=60).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 180 s")
            time.sleep(0.3)
        yield Server(base_url=base_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
