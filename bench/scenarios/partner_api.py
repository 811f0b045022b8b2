"""``partner_api``: partner API requests per second at 16 concurrent clients (a till's flow:
``POST /codes/validate`` then ``POST /codes/redeem`` of the same code), against a minimal Django
view on the same server, in the same run; and the p95 at 4 clients.

value: completed validate and redeem requests per second, half each. Each client is a till with
its own members' codes; every request carries the partner's key (``Authorization: Bearer``);
each redeem a fresh ``Idempotency-Key``. ``BENCH_PARTNER_VALIDATE_ONLY=1`` sends validates only
(the path without a write, for comparison). The path: the key check (a keyed hash, the key's row
cached in the process for a few seconds), the rate limit (one Lua call to Redis), the code read
(validate) or the whole redemption (the idempotency row, the code's lock, the budget's
conditional UPDATE, the redemption row, the stored answer). Every answer must be a 200, and
afterwards each redeemed code has exactly one redemption and the budget is spent once per code.
baseline: ``GET /bench/minimal`` per second behind the same middleware, same server and clients,
alternating with the partner requests in 5 time-boxed rounds of 3 s each (bench/http_load.py:
gunicorn, 2 gthread workers x 8 threads, keep-alive clients).
"""

from __future__ import annotations

import json
import os

from bench.http_load import Request, compare, served

NAME = "partner_api"
DEFAULT_SIZE = 1000  # codes ready per client at 16 clients, 4x that per client at 4; a round
# sends as many as it can in its time, and the run fails if a client runs out (400 did, on a
# quiet machine at 550 requests/s)
UNIT = "requests/s"
CLIENTS = 16
FEW_CLIENTS = 4
ROUNDS = 5
ROUND_SECONDS = 3.0
RATIO_TARGET = 0.20
P95_LIMIT_MS = 50
FUNDING = 1_000


def run(*, size: int):
    from bench.harness import BenchResult

    validate_only = os.environ.get("BENCH_PARTNER_VALIDATE_ONLY") == "1"  # the path without a write

    secret, codes = _prepare(clients=CLIENTS + FEW_CLIENTS * 4, codes_per_client=size)
    tills = _tills(secret, codes[:CLIENTS], "m", validate_only=validate_only)
    few_tills = _tills(
        secret, [sum(codes[CLIENTS + 4 * n:CLIENTS + 4 * n + 4], []) for n in range(FEW_CLIENTS)], "f",
        validate_only=validate_only,
    )
    with served() as port:
        runs = compare(port, clients=CLIENTS, measured=tills, few_clients=FEW_CLIENTS, few_measured=few_tills,
                       rounds=ROUNDS, seconds=ROUND_SECONDS)
    if tills.exhausted or few_tills.exhausted:
        raise RuntimeError(f"tills ran out of codes: run with --size larger than {size}")
    checks = _check(redeemed=tills.redeemed() + few_tills.redeemed())
    baseline, partner, few, few_minimal, rounds = (
        runs.baseline, runs.measured, runs.few, runs.few_baseline, runs.rounds_text()
    )
    ratio = partner.per_second / baseline.per_second
    notes = [
        f"partner_api: {CLIENTS} clients, {ROUNDS} rounds of {ROUND_SECONDS:.0f} s each: "
        f"{partner.per_second:.1f} {'validate' if validate_only else 'validate+redeem'}/s, "
        f"p50 {partner.median_ms:.1f} ms, "
        f"p95 {partner.p95_ms:.1f} ms, statuses {partner.statuses}; "
        f"minimal view {baseline.per_second:.1f}/s, "
        f"p50 {baseline.median_ms:.1f} ms, p95 {baseline.p95_ms:.1f} ms; per round minimal/partner: "
        f"{rounds}; ratio {ratio:.3f} (target >= {RATIO_TARGET})",
        f"partner_api at {FEW_CLIENTS} clients: {few.per_second:.1f}/s, p50 {few.median_ms:.1f} ms, "
        f"p95 {few.p95_ms:.1f} ms (limit {P95_LIMIT_MS}), statuses {few.statuses}; minimal view at "
        f"{FEW_CLIENTS}: p95 {few_minimal.p95_ms:.1f} ms; {checks}",
    ]
    if set(partner.statuses) != {200} or set(few.statuses) != {200}:
        raise RuntimeError(f"partner requests failed: {partner.statuses} {few.statuses}")
    return BenchResult(NAME, size, partner.per_second, UNIT, baseline.per_second, notes)


def _prepare(*, clients: int, codes_per_client: int) -> tuple[str, list[list[str]]]:
    """A partner with one running co-promotion (a budget no run spends), its codes given to
    members, and a key with every scope; per client, the codes it will validate and redeem."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from campaigns.models import Campaign
    from club.members.models import Member
    from partners.api.models import Scope
    from partners.api.services.keys import api_key_create
    from partners.copromotions.models import CodeState, PromotionCode
    from partners.copromotions.services import (
        copromotion_approve,
        copromotion_propose,
        copromotion_submit,
        copromotion_terms_set,
    )
    from partners.organisations.models import Partner, PartnerRole, PartnerUser

    today = timezone.localdate()
    partner = Partner.objects.create(name="Bench Streaming", slug="bench-streaming")
    user = get_user_model().objects.create_user(email="till@bench.example.test", password="x" * 20)
    PartnerUser.objects.create(user=user, partner=partner, role=PartnerRole.ADMIN)
    copromotion = copromotion_propose(partner_id=partner.pk, user_id=user.pk, data={
        "title": "Bench months", "offer_text_en": "Two months free.", "benefit_kind": "voucher",
        "budget": Decimal(10**15), "starts_on": today, "ends_on": today + dt.timedelta(days=30),
        "suggested_segments": [],
    })
    total = clients * codes_per_client
    members = Member.objects.bulk_create(
        Member(msisdn=f"+8493{n:07d}", account_number=f"PAB{n:07d}", activation_date=today)
        for n in range(total)
    )
    now = timezone.now()
    PromotionCode.objects.bulk_create(
        (PromotionCode(copromotion=copromotion, partner=partner, code=f"BENCH-{n:07d}", member=member,
                       state=CodeState.ASSIGNED, assigned_at=now)
         for n, member in enumerate(members)),
        batch_size=2000,
    )
    copromotion_submit(copromotion_id=copromotion.pk, partner_id=partner.pk, user_id=user.pk)
    copromotion_terms_set(copromotion_id=copromotion.pk, user_id=None,
                          funding_per_redemption=Decimal(FUNDING), price_per_point=Decimal(0))
    copromotion_approve(copromotion_id=copromotion.pk, user_id=None)
    copromotion.refresh_from_db()
    Campaign.objects.filter(pk=copromotion.campaign_id).update(live=True)
    created = api_key_create(partner_id=partner.pk, name="bench tills", scopes=list(Scope.values),
                             rate_limit_per_minute=100_000)
    codes = [f"BENCH-{n:07d}" for n in range(total)]
    return created.secret, [codes[c::clients] for c in range(clients)]


class _tills:
    """Each client validates a code, then redeems it, then the next code, across the rounds.
    ``sent`` keeps how many requests each client sent; ``exhausted`` says a client ran out."""

    def __init__(self, secret: str, codes: list[list[str]], tag: str, *, validate_only: bool = False):
        self.codes = codes
        self.validate_only = validate_only
        self.tag = tag
        self.sent = [0] * len(codes)
        self.exhausted = False
        self.auth = f"Bearer {secret}"

    def __call__(self, client: int, number: int) -> Request | None:
        position = self.sent[client]
        if position // 2 >= len(self.codes[client]):
            self.exhausted = True
            return None
        self.sent[client] += 1
        code = self.codes[client][position // 2]
        headers = {"Authorization": self.auth, "Content-Type": "application/json"}
        if position % 2 == 0 or self.validate_only:
            return "POST", "/api/partner/v1/codes/validate", json.dumps({"code": code}).encode(), headers
        headers["Idempotency-Key"] = f"{self.tag}{client}:{code}"
        return "POST", "/api/partner/v1/codes/redeem", json.dumps({"code": code}).encode(), headers

    def redeemed(self) -> list[str]:
        if self.validate_only:
            return []
        return [code for client, codes in enumerate(self.codes) for code in codes[: self.sent[client] // 2]]


def _check(*, redeemed: list[str]) -> str:
    from django.db.models import Count

    from partners.api.models import IdempotentRequest
    from partners.copromotions.models import CodeState, CoPromotionBudget, PartnerRedemption, PromotionCode

    redemptions = PartnerRedemption.objects.count()
    doubled = PartnerRedemption.objects.values("code_id").annotate(n=Count("id")).filter(n__gt=1).count()
    codes_redeemed = PromotionCode.objects.filter(state=CodeState.REDEEMED).count()
    wrong = PromotionCode.objects.filter(code__in=redeemed).exclude(state=CodeState.REDEEMED).count()
    spent = CoPromotionBudget.objects.get().spent
    answers = IdempotentRequest.objects.count()
    expected = len(redeemed)
    if not (redemptions == codes_redeemed == answers == expected and not doubled and not wrong
            and spent == expected * FUNDING):
        raise RuntimeError(
            f"expected {expected} redemptions, one per code; found {redemptions} redemptions, "
            f"{codes_redeemed} codes redeemed, {doubled} doubled, {wrong} not redeemed, {answers} stored "
            f"answers, budget spent {spent}"
        )
    return (f"checked: {redemptions} redemptions = codes redeemed = stored answers, none doubled, "
            f"budget spent {spent} = {expected} x {FUNDING}")
