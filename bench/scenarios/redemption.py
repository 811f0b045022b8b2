"""``redemption``: redemptions per second through the member API at 16 concurrent clients,
against a minimal Django view on the same server, in the same run.

value: completed ``POST /api/member/v1/rewards/<id>/redeem`` per second (session cookie, CSRF
token, a fresh ``Idempotency-Key`` each): the whole atomic unit (member lock, idempotency
check, eligibility, ledger debit oldest-first, stock ``UPDATE ... WHERE remaining > 0`` on one
shared limited reward, network outbox row). Every answer must be a 201.
baseline: ``GET /bench/minimal`` per second (a ``JsonResponse`` behind the same middleware,
same cookies, same server and clients). The two alternate in 5 rounds (a change of load on a
shared machine hits both) and each is the total of its rounds.
The server is gunicorn (2 gthread workers x 8 threads: one process per core, a thread for each
client; ``BENCH_SERVER_WORKERS``, ``BENCH_SERVER_THREADS``) on a free port with the throw-away
bench database, DEBUG off and persistent connections; the clients are 16 threads with
keep-alive ``http.client``. A kept-alive connection stays with the worker that accepted it, so
with more workers than cores (6 x 2 before) the clients that landed on a crowded worker waited
behind each other while others idled: a slower baseline and a long tail for both.
``BENCH_UNLIMITED_STOCK=1`` measures a reward without a stock row.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

NAME = "redemption"
DEFAULT_SIZE = 2000
UNIT = "redemptions/s"
CLIENTS = 16
COST = 60
WARMUP_PER_CLIENT = 5
ROUNDS = 5
SERVER_WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", 2))
SERVER_THREADS = int(os.environ.get("BENCH_SERVER_THREADS", 8))
P95_LIMIT_MS = 150
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Client:
    cookie: str
    csrf: str


@dataclass(frozen=True)
class Load:
    latencies: list[float]  # seconds, sorted
    statuses: dict[int, int]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p95_ms(self) -> float:
        return self.latencies[int(len(self.latencies) * 0.95) - 1] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @classmethod
    def combined(cls, loads: list[Load]) -> Load:
        statuses: dict[int, int] = {}
        for load in loads:
            for status, count in load.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        return cls(
            latencies=sorted(latency for load in loads for latency in load.latencies),
            statuses=statuses,
            seconds=sum(load.seconds for load in loads),
        )


def run(*, size: int):
    from bench.harness import BenchResult

    clients, reward_id = _prepare(size=size)
    with served() as port:
        per_round = max(size // CLIENTS // ROUNDS, 1)
        _load(port, clients, _minimal_request, WARMUP_PER_CLIENT)
        _load(port, clients, _redeem_request(reward_id, "warm"), WARMUP_PER_CLIENT)
        # Interleaved rounds, so a change of load on this shared machine hits both alike.
        minimal_rounds, redeem_rounds = [], []
        for round_number in range(ROUNDS):
            minimal_rounds.append(_load(port, clients, _minimal_request, per_round))
            redeem_rounds.append(
                _load(port, clients, _redeem_request(reward_id, f"r{round_number}"), per_round)
            )
    checks = _check(reward_id=reward_id, expected=CLIENTS * (per_round * ROUNDS + WARMUP_PER_CLIENT))
    baseline, redeem = Load.combined(minimal_rounds), Load.combined(redeem_rounds)
    rounds = ", ".join(
        f"{m.per_second:.0f}/{r.per_second:.0f}" for m, r in zip(minimal_rounds, redeem_rounds, strict=True)
    )
    notes = [
        f"redemption: {CLIENTS} clients, {ROUNDS} rounds x {per_round} each: {redeem.per_second:.1f}/s, p50 "
        f"{redeem.median_ms:.1f} ms, p95 {redeem.p95_ms:.1f} ms (limit {P95_LIMIT_MS}), statuses "
        f"{redeem.statuses}; minimal view {baseline.per_second:.1f}/s, p50 {baseline.median_ms:.1f} ms, "
        f"p95 {baseline.p95_ms:.1f} ms; per round minimal/redeem: {rounds}; {checks}",
    ]
    if set(redeem.statuses) != {201}:
        raise RuntimeError(f"redemptions failed: {redeem.statuses}")
    return BenchResult(NAME, size, redeem.per_second, UNIT, baseline.per_second, notes)


def _prepare(*, size: int) -> tuple[list[Client], int]:
    """One member with a portal login and a session per client, points for every request,
    and one published data pack with a stock larger than the run."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from club.members.models import Member
    from rewards.catalogue.models import Reward, RewardKind
    from rewards.catalogue.services import reward_stock_adjust
    from rewards.ledger.models import SourceType
    from rewards.ledger.services import PointsGrant, points_grant_many

    users = get_user_model()
    points = COST * (size + 10 * CLIENTS)
    clients, grants = [], []
    for index in range(CLIENTS):
        user = users.objects.create_user(email=f"bench{index}@example.test", password=secrets.token_hex(8))
        member = Member.objects.create(
            msisdn=f"+8491{index:07d}",
            account_number=f"BENCH{index:06d}",
            activation_date=timezone.localdate(),
            user=user,
        )
        grants.append(
            PointsGrant(
                member_id=member.pk,
                points=points,
                reason="bench",
                source_type=SourceType.SYSTEM,
                source_ref="bench",
                idempotency_key=f"bench:{member.pk}",
                earned_at=timezone.now(),
            )
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = secrets.token_hex(16)  # 32 characters, an unmasked CSRF secret
        clients.append(Client(cookie=f"sessionid={session.session_key}; csrftoken={csrf}", csrf=csrf))
    points_grant_many(grants=grants)
    reward = Reward.objects.create(
        name="Bench data pack",
        kind=RewardKind.DATA_PACK,
        points_cost=COST,
        data_mb=1024,
        live=True,
    )
    if not os.environ.get("BENCH_UNLIMITED_STOCK"):  # set it to measure without the stock row
        reward_stock_adjust(reward_id=reward.pk, delta=size * 2 + 100 * CLIENTS)
    return clients, reward.pk


def _minimal_request(client_index: int, number: int) -> tuple[str, str]:
    return "GET", "/bench/minimal"


def _redeem_request(reward_id: int, phase: str):
    run_id = secrets.token_hex(4)

    def request(client_index: int, number: int) -> tuple[str, str]:
        return "POST", f"/api/member/v1/rewards/{reward_id}/redeem#{run_id}-{phase}-{client_index}-{number}"

    return request


def _load(port: int, clients: list[Client], make_request, per_client: int) -> Load:
    barrier = threading.Barrier(len(clients) + 1)
    latencies: list[list[float]] = [[] for _ in clients]
    statuses: list[dict[int, int]] = [{} for _ in clients]

    def work(index: int) -> None:
        client = clients[index]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for number in range(per_client):
            method, target = make_request(index, number)
            path, _, key = target.partition("#")
            headers = {"Cookie": client.cookie, "Host": "127.0.0.1"}
            body = None
            if method == "POST":
                headers.update(
                    {
                        "X-CSRFToken": client.csrf,
                        "Idempotency-Key": quote(key),
                        "Content-Type": "application/json",
                    }
                )
                body = b"{}"
            started = time.perf_counter()
            status = _send(connection, method, path, body, headers)
            latencies[index].append(time.perf_counter() - started)
            statuses[index][status] = statuses[index].get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    merged: dict[int, int] = {}
    for per_thread in statuses:
        for status, count in per_thread.items():
            merged[status] = merged.get(status, 0) + count
    return Load(
        latencies=sorted(latency for per_thread in latencies for latency in per_thread),
        statuses=merged,
        seconds=seconds,
    )


def _send(connection: http.client.HTTPConnection, method: str, path: str, body, headers) -> int:
    for attempt in range(2):
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()  # the server closed a kept-alive connection: reconnect once
            if attempt:
                raise
    raise AssertionError("unreachable")


def _check(*, reward_id: int, expected: int) -> str:
    from rewards.catalogue.models import NetworkOutbox, Redemption, RewardStock
    from rewards.ledger.models import LedgerEntry

    redemptions = Redemption.objects.filter(reward_id=reward_id).count()
    outbox = NetworkOutbox.objects.filter(redemption__reward_id=reward_id).count()
    debits = LedgerEntry.objects.filter(kind="redeem").count()
    stock = RewardStock.objects.filter(reward_id=reward_id).first()
    remaining = "unlimited" if stock is None else stock.remaining
    if not redemptions == outbox == debits == expected:
        raise RuntimeError(
            f"expected {expected} redemptions; found {redemptions}, {outbox} outbox rows, {debits} debits"
        )
    return f"checked: {redemptions} redemptions = outbox rows = ledger debits, stock left {remaining}"


@contextlib.contextmanager
def served():
    """The bench server (``_start_server``) on a free port, up: yields the port. If the body
    fails, the tail of the server's log is printed; the server is stopped at the end."""
    port = _free_port()
    log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a full pipe would block the server
    server = _start_server(port, log)
    try:
        _wait_until_up(port)
        yield port
    except Exception:
        log.seek(0)
        print(log.read()[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{credentials}@" if credentials else ""
    return f"postgres://{host}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_server(port: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_MINIMAL_VIEW": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(SERVER_WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(SERVER_THREADS),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def _wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/minimal")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the bench server did not answer on port {port} within {timeout} s")
