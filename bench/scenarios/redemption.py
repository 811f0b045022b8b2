"""``redemption``: redemptions per second through the member API at 16 concurrent clients,
against a minimal Django view on the same server, in the same run.

value: completed ``POST /api/member/v1/rewards/<id>/redeem`` per second (session cookie, CSRF
token, a fresh ``Idempotency-Key`` each): the whole atomic unit (member lock, idempotency
check, eligibility, ledger debit oldest-first, stock ``UPDATE ... WHERE remaining > 0`` on one
shared limited reward, network outbox row). Every answer must be a 201.
baseline: ``GET /bench/minimal`` per second (a ``JsonResponse`` behind the same middleware,
same cookies, same server and clients). The two alternate in 5 rounds (a change of load on a
shared machine hits both) and each is the total of its rounds.
The server and clients are bench/http_load.py's; each client sends a fixed number of
requests per round here, because the check afterwards counts every redemption.
``BENCH_UNLIMITED_STOCK=1`` measures a reward without a stock row.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from bench.http_load import Load, Request, load, served

NAME = "redemption"
DEFAULT_SIZE = 2000
UNIT = "redemptions/s"
CLIENTS = 16
COST = 60
WARMUP_PER_CLIENT = 5
ROUNDS = 5
P95_LIMIT_MS = 150


@dataclass(frozen=True)
class Client:
    cookie: str
    csrf: str


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
    """``per_client`` requests from each client, logged in with its cookie; POSTs carry its CSRF
    token and the ``Idempotency-Key`` after the ``#`` of the request's target."""

    def request(index: int, number: int) -> Request:
        method, target = make_request(index, number)
        path, _, key = target.partition("#")
        client = clients[index]
        headers = {"Cookie": client.cookie}
        if method != "POST":
            return method, path, None, headers
        headers.update(
            {"X-CSRFToken": client.csrf, "Idempotency-Key": quote(key), "Content-Type": "application/json"}
        )
        return method, path, b"{}", headers

    return load(port, len(clients), request, per_client=per_client)


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
