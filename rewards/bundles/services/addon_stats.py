"""``bundle_addon_stats_refresh``: count the members' add-on services for the add-on recommender,
in one grouped query (by plan and Internet service), and store the counts as a new
``BundleAddonStats`` row. Members count when the billing data says which add-ons they have
(``Member.attributes``, as the telco import writes them) and they have Internet service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from club.members.models import Member, MemberStatus

from ..addons import NO_INTERNET, SERVICES, AddonCounts
from ..models import BundleAddonStats

STATS_KEPT = 30  # a month of nightly counts, to compare


@dataclass(frozen=True)
class AddonStatsResult:
    stats_id: int
    customers: int


def _yes(service: str) -> Q:
    return Q(**{f"attributes__{service}": "Yes"})


def addon_counts_from_members() -> AddonCounts:
    eligible = Member.objects.filter(
        Q(attributes__has_key=SERVICES[0]) & ~Q(**{f"attributes__{SERVICES[0]}": NO_INTERNET}),
        status=MemberStatus.ACTIVE,
    )
    aggregates = {f"n_{s}": Count("pk", filter=_yes(s)) for s in SERVICES}
    pairs = list(combinations(SERVICES, 2))
    aggregates.update({f"p_{a}__{b}": Count("pk", filter=_yes(a) & _yes(b)) for a, b in pairs})
    groups = (
        eligible.annotate(internet=KT("attributes__internet_service"))
        .values("plan_name", "internet")
        .annotate(size=Count("pk"), **aggregates)
        .order_by()
    )
    counts = AddonCounts()
    for group in groups:
        counts.add_group(
            size=group["size"],
            plan=group["plan_name"] or "",
            internet=group["internet"] or "",
            service_counts={s: group[f"n_{s}"] for s in SERVICES},
            pair_counts={(a, b): group[f"p_{a}__{b}"] for a, b in pairs},
        )
    return counts


def bundle_addon_stats_refresh(*, at: dt.datetime | None = None) -> AddonStatsResult:
    """Count now and store the counts (the recommender uses the newest row); rows beyond the
    newest ``STATS_KEPT`` are deleted."""
    counts = addon_counts_from_members()
    with transaction.atomic():
        stats = BundleAddonStats.objects.create(
            fitted_at=at or timezone.now(), customers=counts.customers, counts=counts.as_json()
        )
        kept = BundleAddonStats.objects.order_by("-fitted_at", "-id").values("pk")[:STATS_KEPT]
        BundleAddonStats.objects.exclude(pk__in=kept).delete()
    return AddonStatsResult(stats_id=stats.pk, customers=counts.customers)
