"""The co-promotion budget spread over slices (services/budget.py): parallel redemptions spend
it exactly, never more and never refused while the total can pay; a reversal gives back to the
slice its redemption took from; when every slice alone is short, consolidation pays from the
total."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from partners.copromotions.models import (
    BUDGET_SLICES,
    CoPromotionBudget,
    CoPromotionBudgetSlice,
    PartnerRedemption,
)
from partners.copromotions.services import code_redeem, code_redemption_reverse
from partners.copromotions.services.budget import budget_account_open

from .copromotion_factories import give_code, partner_with_user, running_copromotion
from .test_copromotions_concurrency import in_threads


def slices_of(copromotion) -> list[tuple[int, Decimal, Decimal]]:
    return list(
        CoPromotionBudgetSlice.objects.filter(account_id=copromotion.pk)
        .order_by("index")
        .values_list("index", "cap", "spent")
    )


def assert_consistent(copromotion) -> None:
    """Caps sum to the budget; each slice's spent is the sum of its live redemptions."""
    rows = slices_of(copromotion)
    assert len(rows) == BUDGET_SLICES
    assert sum(cap for _, cap, _ in rows) == CoPromotionBudget.objects.get(pk=copromotion.pk).budget
    live = Counter()
    for index, amount in PartnerRedemption.objects.filter(
        copromotion=copromotion, reversed_at__isnull=True
    ).values_list("budget_slice", "amount"):
        live[index] += amount
    assert {index: spent for index, _, spent in rows if spent} == {k: v for k, v in live.items() if v}


@pytest.mark.django_db
def test_submitting_spreads_the_budget_over_the_slices():
    admin = partner_with_user()
    copromotion = running_copromotion(admin, budget=Decimal(1_000_003))
    rows = slices_of(copromotion)
    assert [index for index, _, _ in rows] == list(range(BUDGET_SLICES))
    assert sum(cap for _, cap, _ in rows) == Decimal(1_000_003)
    assert max(cap for _, cap, _ in rows) - min(cap for _, cap, _ in rows) <= 1
    assert CoPromotionBudget.objects.get().spent == 0


@pytest.mark.django_db
def test_a_reversal_gives_back_to_the_slice_it_took_from():
    admin = partner_with_user()
    codes = [f"CODE-{n:03d}" for n in range(6)]
    copromotion = running_copromotion(admin, codes=codes, funding=Decimal(10_000))
    codes = [give_code(copromotion) for _ in range(6)]
    results = [code_redeem(partner_id=admin.partner_id, code=c.code) for c in codes]
    assert all(r.is_success for r in results)
    assert_consistent(copromotion)
    target = PartnerRedemption.objects.get(pk=results[2].redemption_id)
    before = dict((i, s) for i, _, s in slices_of(copromotion))

    assert code_redemption_reverse(partner_id=admin.partner_id, redemption_id=target.pk).is_success

    after = dict((i, s) for i, _, s in slices_of(copromotion))
    changed = {i: before[i] - after[i] for i in before if before[i] != after[i]}
    print(f"reversal: redemption slice={target.budget_slice} given back={changed}")
    assert changed == {target.budget_slice: Decimal(10_000)}
    assert CoPromotionBudget.objects.get().spent == Decimal(50_000)
    assert_consistent(copromotion)


@pytest.mark.django_db
def test_consolidation_pays_when_every_slice_alone_is_short():
    admin = partner_with_user()
    # 8 slices of 1,000 each; a redemption costs 1,500: no slice alone can pay, the total pays 5.
    copromotion = running_copromotion(
        admin, codes=[f"CODE-{n:03d}" for n in range(7)], budget=Decimal(8_000), funding=Decimal(1_500)
    )
    assert {cap for _, cap, _ in slices_of(copromotion)} == {Decimal(1_000)}
    codes = [give_code(copromotion) for _ in range(7)]

    results = [code_redeem(partner_id=admin.partner_id, code=c.code) for c in codes]

    outcomes = [str(r.error) if r.error else "ok" for r in results]
    spent = CoPromotionBudget.objects.get().spent
    print(f"consolidation: outcomes={outcomes} spent={spent} slices={slices_of(copromotion)}")
    assert outcomes == ["ok"] * 5 + ["budget_exhausted"] * 2
    assert spent == Decimal(7_500)
    assert PartnerRedemption.objects.count() == 5  # the refused ones left nothing behind
    assert sorted(c.state for c in type(codes[0]).objects.filter(pk__in=[c.pk for c in codes[5:]])) == [
        "assigned",
        "assigned",
    ]
    assert_consistent(copromotion)

    # A reversal makes room again, wherever its slice is.
    first = results[0].redemption_id
    assert code_redemption_reverse(partner_id=admin.partner_id, redemption_id=first).is_success
    assert code_redeem(partner_id=admin.partner_id, code=codes[5].code).is_success
    assert CoPromotionBudget.objects.get().spent == Decimal(7_500)
    assert_consistent(copromotion)


@pytest.mark.django_db
def test_a_new_total_is_spread_again_and_never_below_what_is_spent():
    admin = partner_with_user()
    copromotion = running_copromotion(admin, codes=["CODE-1", "CODE-2"], funding=Decimal(10_000))
    assert code_redeem(partner_id=admin.partner_id, code=give_code(copromotion).code).is_success

    budget_account_open(copromotion_id=copromotion.pk, budget=Decimal(20_000))

    assert sum(cap for _, cap, _ in slices_of(copromotion)) == Decimal(20_000)
    assert_consistent(copromotion)
    with pytest.raises(ValueError, match="below what is spent"):
        budget_account_open(copromotion_id=copromotion.pk, budget=Decimal(9_999))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_spend_a_sliced_budget_exactly():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    admin = partner_with_user()
    clients, cost, budget = 24, Decimal(1_000), Decimal(20_500)  # the total pays 20
    copromotion = running_copromotion(
        admin, codes=[f"C-{n:03d}" for n in range(clients)], budget=budget, funding=cost
    )
    codes = [give_code(copromotion) for _ in range(clients)]

    results = in_threads(clients, lambda i: code_redeem(partner_id=admin.partner_id, code=codes[i].code))

    outcomes = Counter(str(r.error) if r.error else "ok" for r in results)
    spent = CoPromotionBudget.objects.get().spent
    used = Counter(PartnerRedemption.objects.values_list("budget_slice", flat=True))
    print(
        f"sliced budget race: clients={clients} ok={outcomes['ok']} "
        f"budget_exhausted={outcomes['budget_exhausted']} spent={spent} budget={budget} "
        f"slices used={len(used)}"
    )
    assert outcomes == {"ok": 20, "budget_exhausted": clients - 20}
    assert spent == Decimal(20_000) == sum(PartnerRedemption.objects.values_list("amount", flat=True))
    assert_consistent(copromotion)
