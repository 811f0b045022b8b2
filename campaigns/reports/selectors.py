"""What a campaign did: contacts by status and channel, suppressions by reason, offers taken,
cost, deliveries per day, and uplift against its holdout. Set-based: a handful of grouped
queries per campaign, and subqueries for the listing of all campaigns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from campaigns.contact.models import Delivery, DeliveryStatus, Suppression, SuppressionReason
from campaigns.models import Campaign
from campaigns.offers.models import OfferAcceptance
from rewards.billing.models import BillingEvent, EventKind, EventState

from .uplift import GroupOutcome, Uplift

REACHED = (DeliveryStatus.SENT, DeliveryStatus.VIEWED)
PENDING = (DeliveryStatus.RESERVED, DeliveryStatus.SENDING)
ZERO = Decimal(0)


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    members_reached: int
    held_out: int
    delivered: dict[str, int] = field(default_factory=dict)  # channel -> sent or viewed
    pending: int = 0
    failed: int = 0
    viewed: int = 0
    suppressed: dict[str, int] = field(default_factory=dict)  # reason -> contacts
    accepted: int = 0
    cost: Decimal = ZERO

    @property
    def delivered_total(self) -> int:
        return sum(self.delivered.values())

    @property
    def suppressed_total(self) -> int:
        return sum(self.suppressed.values())

    @property
    def targeted(self) -> int:
        """Contacts decided: every delivery (whatever became of it), suppression and holdout."""
        return self.delivered_total + self.pending + self.failed + self.suppressed_total + self.held_out

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.members_reached if self.members_reached else 0.0


def campaign_results(*, campaign: Campaign) -> CampaignResults:
    deliveries = Delivery.objects.filter(campaign=campaign).order_by()
    by_status = deliveries.values("channel", "status").annotate(n=Count("pk"), cost=Sum("cost"))
    delivered: dict[str, int] = {}
    pending = failed = viewed = 0
    cost = ZERO
    for row in by_status:
        if row["status"] in REACHED:
            delivered[row["channel"]] = delivered.get(row["channel"], 0) + row["n"]
        elif row["status"] in PENDING:
            pending += row["n"]
        else:
            failed += row["n"]
        if row["status"] == DeliveryStatus.VIEWED:
            viewed += row["n"]
        if row["status"] != DeliveryStatus.FAILED:
            cost += row["cost"] or ZERO
    suppressions = Suppression.objects.filter(campaign=campaign).order_by()
    by_reason = dict(suppressions.values_list("reason").annotate(n=Count("pk")))
    held_out = suppressions.filter(reason=SuppressionReason.HOLDOUT).values("member_id").distinct().count()
    by_reason.pop(SuppressionReason.HOLDOUT, None)
    return CampaignResults(
        campaign=campaign,
        members_reached=deliveries.filter(status__in=REACHED).values("member_id").distinct().count(),
        held_out=held_out, delivered=delivered, pending=pending, failed=failed, viewed=viewed,
        suppressed=dict(sorted(by_reason.items(), key=lambda item: -item[1])),
        accepted=OfferAcceptance.objects.filter(campaign=campaign).count(), cost=cost,
    )


def campaign_daily_deliveries(*, campaign: Campaign) -> list[tuple[dt.date, str, int]]:
    """(day, channel, deliveries reserved that day), in day order: the send's shape."""
    rows = (
        Delivery.objects.filter(campaign=campaign).order_by()
        .annotate(day=TruncDate("reserved_at")).values("day", "channel").annotate(n=Count("pk"))
        .order_by("day", "channel")
    )
    return [(row["day"], row["channel"], row["n"]) for row in rows]


def _window_end_sql(days: int) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return "e.t + make_interval(days => %s)", [days]
    return "datetime(e.t, %s)", [f"+{days} days"]


def campaign_uplift(*, campaign: Campaign, days: int = 30) -> Uplift:
    """Spend per member (bills paid and top-ups) in the ``days`` after each member's first
    contact, contacted members against held-out members (from the moment they were held out).
    One statement."""
    end_sql, end_params = _window_end_sql(days)
    delivery, suppression, event = (m._meta.db_table for m in (Delivery, Suppression, BillingEvent))
    sql = f"""
        WITH exposed AS (
            SELECT member_id, MIN(COALESCE(sent_at, reserved_at)) AS t, 1 AS treated
            FROM {delivery} WHERE campaign_id = %s AND status IN (%s, %s) GROUP BY member_id
            UNION ALL
            SELECT member_id, MIN(at) AS t, 0 AS treated
            FROM {suppression} WHERE campaign_id = %s AND reason = %s GROUP BY member_id
        ), outcome AS (
            SELECT e.treated, COALESCE((
                SELECT SUM(b.amount) FROM {event} b
                WHERE b.member_id = e.member_id AND b.kind IN (%s, %s) AND b.state = %s
                  AND b.occurred_at >= e.t AND b.occurred_at < {end_sql}
            ), 0) AS spend
            FROM exposed e
        )
        SELECT treated, COUNT(*), SUM(spend), SUM(spend * spend),
               SUM(CASE WHEN spend > 0 THEN 1 ELSE 0 END)
        FROM outcome GROUP BY treated
    """
    params = [campaign.pk, *REACHED, campaign.pk, SuppressionReason.HOLDOUT,
              EventKind.BILL_PAID, EventKind.TOP_UP, EventState.APPLIED, *end_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {treated: _outcome(*figures) for treated, *figures in cursor.fetchall()}
    empty = GroupOutcome(0, ZERO, ZERO, 0)
    return Uplift(days=days, treated=rows.get(1, empty), holdout=rows.get(0, empty))


def _outcome(members, total, squares, spenders) -> GroupOutcome:
    money = [Decimal(str(value or 0)) for value in (total, squares)]
    return GroupOutcome(int(members), *money, int(spenders or 0))


def _count(model, *conditions: Q, **filters) -> Coalesce:
    counted = (model.objects.filter(*conditions, campaign=OuterRef("pk"), **filters).order_by()
               .values("campaign").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def campaigns_with_results():
    """Every campaign with its headline figures, for the results listing and its export."""
    spent = (Delivery.objects.filter(campaign=OuterRef("pk")).exclude(status=DeliveryStatus.FAILED)
             .order_by().values("campaign").annotate(total=Sum("cost")).values("total"))
    return Campaign.objects.annotate(
        delivered_count=_count(Delivery, status__in=REACHED),
        viewed_count=_count(Delivery, status=DeliveryStatus.VIEWED),
        failed_count=_count(Delivery, status=DeliveryStatus.FAILED),
        suppressed_count=_count(Suppression, ~Q(reason=SuppressionReason.HOLDOUT)),
        held_out_count=_count(Suppression, reason=SuppressionReason.HOLDOUT),
        accepted_count=_count(OfferAcceptance),
        cost_total=Coalesce(Subquery(spent), Value(ZERO)),
    ).select_related("audience")
