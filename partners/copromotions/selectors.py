"""Reads of the co-promotions. Figures a partner sees are aggregates only: no member, no MSISDN."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from campaigns.contact.models import Delivery, DeliveryStatus

from .models import CodeState, CoPromotion, CoPromotionBudget, PartnerRedemption, PromotionCode

DELIVERED = (DeliveryStatus.SENT, DeliveryStatus.VIEWED)


@dataclass(frozen=True)
class CoPromotionStats:
    copromotion_id: int
    delivered: int  # members the campaign reached (sent or viewed deliveries)
    codes_total: int
    codes_given: int  # codes handed to members (given or redeemed)
    redeemed: int  # live redemptions (not reversed)
    reversed: int
    points_credited: int  # by live redemptions
    budget: Decimal
    budget_spent: Decimal

    @property
    def budget_left(self) -> Decimal:
        return self.budget - self.budget_spent

    @property
    def codes_left(self) -> int:
        return self.codes_total - self.codes_given


@dataclass(frozen=True)
class CoPromotionRow:
    copromotion: CoPromotion
    status: str
    stats: CoPromotionStats


def copromotions_of_partner(*, partner_id: int) -> QuerySet[CoPromotion]:
    return CoPromotion.objects.filter(partner_id=partner_id).select_related("campaign")


def copromotion_stats(*, copromotion_id: int) -> CoPromotionStats:
    return copromotion_stats_many(copromotion_ids=[copromotion_id])[copromotion_id]


def copromotion_stats_many(*, copromotion_ids: list[int]) -> dict[int, CoPromotionStats]:
    """The figures of several co-promotions in five grouped queries."""
    ids = list(copromotion_ids)
    promotions = {
        pk: (campaign_id, budget)
        for pk, campaign_id, budget in CoPromotion.objects.filter(pk__in=ids).values_list(
            "pk", "campaign_id", "budget"
        )
    }
    budgets = {
        pk: (limit, spent)
        for pk, limit, spent in CoPromotionBudget.objects.filter(copromotion_id__in=ids).values_list(
            "copromotion_id", "budget", "spent"
        )
    }
    codes = {
        row["copromotion_id"]: row
        for row in PromotionCode.objects.filter(copromotion_id__in=ids)
        .values("copromotion_id")
        .annotate(total=Count("pk"), given=Count("pk", filter=~Q(state=CodeState.AVAILABLE)))
    }
    redemptions = {
        row["copromotion_id"]: row
        for row in PartnerRedemption.objects.filter(copromotion_id__in=ids)
        .values("copromotion_id")
        .annotate(
            live=Count("pk", filter=Q(reversed_at__isnull=True)),
            reversed=Count("pk", filter=Q(reversed_at__isnull=False)),
            points=Sum("points", filter=Q(reversed_at__isnull=True)),
        )
    }
    campaign_ids = [campaign_id for campaign_id, _budget in promotions.values() if campaign_id]
    delivered = dict(
        Delivery.objects.filter(campaign_id__in=campaign_ids, status__in=DELIVERED)
        .values("campaign_id")
        .annotate(members=Count("member_id", distinct=True))
        .values_list("campaign_id", "members")
    )
    stats = {}
    for pk, (campaign_id, own_budget) in promotions.items():
        limit, spent = budgets.get(pk, (own_budget, Decimal(0)))
        code_row, red_row = codes.get(pk, {}), redemptions.get(pk, {})
        stats[pk] = CoPromotionStats(
            copromotion_id=pk,
            delivered=delivered.get(campaign_id, 0),
            codes_total=code_row.get("total", 0),
            codes_given=code_row.get("given", 0),
            redeemed=red_row.get("live", 0),
            reversed=red_row.get("reversed", 0),
            points_credited=red_row.get("points") or 0,
            budget=limit,
            budget_spent=spent,
        )
    return stats


def copromotions_for_partner(*, partner_id: int) -> list[CoPromotionRow]:
    """The partner's co-promotions, newest first, each with its status and figures."""
    promotions = list(copromotions_of_partner(partner_id=partner_id))
    stats = copromotion_stats_many(copromotion_ids=[p.pk for p in promotions])
    today = timezone.localdate()
    return [CoPromotionRow(copromotion=p, status=p.status_on(today), stats=stats[p.pk]) for p in promotions]


def partner_redemptions(*, partner_id: int) -> QuerySet[PartnerRedemption]:
    """The partner's redemptions (settlement reads these): code, amounts, dates; no member."""
    return PartnerRedemption.objects.filter(partner_id=partner_id).select_related("copromotion", "code")
