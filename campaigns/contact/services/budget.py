"""A campaign's spending: a ``CampaignBudget`` row per campaign that moves only by conditional
deltas (``spent + amount <= budget``), never read-modify-write."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import F

from campaigns.models import Campaign

from ..models import CampaignBudget


class BudgetExceeded(RuntimeError):
    """A charge would take a campaign over its budget: the transaction must roll back."""


def budget_lock(*, campaign_id: int) -> Decimal:
    """Lock the campaign's budget row (created when missing) until the end of the caller's
    transaction and return what is left of the budget (may be negative after a cut)."""
    CampaignBudget.objects.bulk_create([CampaignBudget(campaign_id=campaign_id)], ignore_conflicts=True)
    row = (
        CampaignBudget.objects.select_for_update().filter(campaign_id=campaign_id)
        .values_list("spent", "campaign__budget").get()
    )
    spent, budget = row
    return (budget if budget is not None else Decimal("Infinity")) - spent


def budget_charge(*, campaign_id: int, amount: Decimal) -> None:
    """Add ``amount`` to what the campaign has spent, only if it stays within the budget."""
    table = CampaignBudget._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET spent = spent + %s WHERE campaign_id = %s AND spent + %s <= "
            f"(SELECT c.budget FROM {Campaign._meta.db_table} c WHERE c.id = %s)",
            [amount, campaign_id, amount, campaign_id],
        )
        if cursor.rowcount != 1:
            raise BudgetExceeded(f"campaign {campaign_id}: a charge of {amount} exceeds its budget")


def budget_refund(*, campaign_id: int, amount: Decimal) -> None:
    """Give back what a failed delivery cost (never below zero)."""
    if amount:
        CampaignBudget.objects.filter(campaign_id=campaign_id, spent__gte=amount).update(
            spent=F("spent") - amount
        )
