"""code_redeem under real concurrency (PostgreSQL, threads): one code redeemed by N clients at
once succeeds exactly once; many codes against a small budget never overspend it."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from partners.copromotions.models import CoPromotionBudget, PartnerRedemption
from partners.copromotions.services import code_redeem, code_redemption_reverse
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory

from .copromotion_factories import give_code, partner_with_user, running_copromotion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_threads(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released together; each closes its connection."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_one_code_redeemed_by_many_clients_at_once_succeeds_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    admin = partner_with_user("Streamly")
    copromotion = running_copromotion(
        admin,
        benefit_kind="bonus_points",
        bonus_points=250,
        funding=Decimal(1_000),
        price_per_point=Decimal(10),
    )
    member = MemberFactory()
    code = give_code(copromotion, member)
    clients = 12

    results = in_threads(clients, lambda i: code_redeem(partner_id=admin.partner_id, code=code.code))

    outcomes = Counter(str(r.error) if r.error else "ok" for r in results)
    credited = sum(LedgerEntry.objects.filter(member=member).values_list("points", flat=True))
    spent = CoPromotionBudget.objects.get().spent
    print(
        f"copromotion redeem race: clients={clients} ok={outcomes['ok']} "
        f"already_redeemed={outcomes['code_already_redeemed']} "
        f"redemptions={PartnerRedemption.objects.count()} "
        f"points={credited} budget_spent={spent}"
    )
    assert outcomes == {"ok": 1, "code_already_redeemed": clients - 1}
    assert (PartnerRedemption.objects.count(), credited, spent) == (1, 250, Decimal(3_500))


def test_parallel_redemptions_never_overspend_the_budget():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    admin = partner_with_user("Streamly")
    codes_count, cost, budget = 16, Decimal(10_000), Decimal(55_000)  # room for 5
    copromotion = running_copromotion(
        admin, codes=[f"CODE-{n:04d}" for n in range(codes_count)], budget=budget, funding=cost
    )
    codes = [give_code(copromotion) for _ in range(codes_count)]

    results = in_threads(codes_count, lambda i: code_redeem(partner_id=admin.partner_id, code=codes[i].code))

    outcomes = Counter(str(r.error) if r.error else "ok" for r in results)
    spent = CoPromotionBudget.objects.get().spent
    print(
        f"copromotion budget race: clients={codes_count} ok={outcomes['ok']} "
        f"budget_exhausted={outcomes['budget_exhausted']} spent={spent} budget={budget}"
    )
    assert outcomes == {"ok": 5, "budget_exhausted": codes_count - 5}
    assert spent == Decimal(50_000) == sum(PartnerRedemption.objects.values_list("amount", flat=True))


def test_parallel_reversals_reverse_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    admin = partner_with_user("Streamly")
    copromotion = running_copromotion(
        admin, benefit_kind="bonus_points", bonus_points=100, funding=Decimal(0), price_per_point=Decimal(5)
    )
    member = MemberFactory()
    code = give_code(copromotion, member)
    redeemed = code_redeem(partner_id=admin.partner_id, code=code.code)
    clients = 8

    results = in_threads(
        clients,
        lambda i: code_redemption_reverse(partner_id=admin.partner_id, redemption_id=redeemed.redemption_id),
    )

    first = [r for r in results if r.is_success and not r.replayed]
    credited = sum(LedgerEntry.objects.filter(member=member).values_list("points", flat=True))
    print(
        f"copromotion reverse race: clients={clients} reversed={len(first)} "
        f"replayed={sum(r.replayed for r in results)} points={credited} "
        f"budget_spent={CoPromotionBudget.objects.get().spent}"
    )
    assert len(first) == 1 and all(r.is_success for r in results)
    assert (credited, CoPromotionBudget.objects.get().spent) == (0, Decimal(0))
