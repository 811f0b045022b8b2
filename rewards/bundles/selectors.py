"""Reads of the bundles app. Writes live in ``services``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from club.members.models import Member
from rewards.reference import ReferenceData

from .addons import AddonCounts
from .models import (
    BundleAddonStats,
    BundleOrder,
    BundleOutbox,
    BundleRecommenderSettings,
    BundleTemplate,
    BundleTemplateLine,
    OutboxState,
)


def _live_templates_load() -> list[BundleTemplate]:
    """Live templates by name, each with its lines and their components (three queries)."""
    lines = BundleTemplateLine.objects.select_related("component").order_by("sort_order", "id")
    templates = BundleTemplate.objects.filter(live=True).prefetch_related(Prefetch("lines", queryset=lines))
    return list(templates.order_by("name"))


LIVE_TEMPLATES = ReferenceData(
    "live-bundle-templates", _live_templates_load,
    ("bundles.BundleTemplate", "bundles.BundleTemplateLine", "bundles.BundleComponent"),
)


def bundle_templates_suiting(*, segment: str, payment_plan: str) -> list[BundleTemplate]:
    """Live templates for a member of this segment (or every segment) and payment plan (or
    any), every component active; from the reference cache (dropped whenever a template, a
    line or a component is written). Templates are few, so the segment test runs in Python
    (``target_segments`` is a JSON list, which SQLite cannot search)."""
    return [
        template
        for template in LIVE_TEMPLATES.get()
        if template.suits(segment=segment, payment_plan=payment_plan)
        and template.lines.all()
        and all(line.component.active for line in template.lines.all())
    ]


def bundle_templates_for_member(*, member_id: int) -> list[BundleTemplate]:
    """``bundle_templates_suiting`` the member (one query for the member)."""
    member = Member.objects.filter(pk=member_id).values("segment", "payment_plan").first()
    if member is None:
        return []
    return bundle_templates_suiting(segment=member["segment"], payment_plan=member["payment_plan"])


def bundle_orders_for_member(*, member_id: int) -> QuerySet[BundleOrder]:
    """The member's orders, newest first, with their template."""
    return (
        BundleOrder.objects.filter(member_id=member_id)
        .select_related("template")
        .order_by("-placed_at", "-id")
    )


def bundle_outbox_pending(*, after: int, limit: int) -> list[BundleOutbox]:
    """Pending outbox rows above ``after``, oldest first (the partial index on pending ids)."""
    return list(BundleOutbox.objects.filter(state=OutboxState.PENDING, pk__gt=after).order_by("pk")[:limit])


@dataclass(frozen=True)
class RecommenderInputs:
    """The marketer's recommender settings and the newest add-on counts (None: never counted)."""

    headroom_percent: int
    performance_extra_percent: int
    usage_months: int
    addon_suggestions: int
    addon_counts: AddonCounts | None
    addon_counts_at: dt.datetime | None = None


def _recommender_inputs_load() -> RecommenderInputs:
    """Two queries: the settings row (created with its defaults the first time) and the newest
    add-on statistics."""
    stored = BundleRecommenderSettings.load()
    stats = BundleAddonStats.objects.order_by("-fitted_at", "-id").first()
    return RecommenderInputs(
        headroom_percent=stored.headroom_percent,
        performance_extra_percent=stored.performance_extra_percent,
        usage_months=stored.usage_months,
        addon_suggestions=stored.addon_suggestions,
        addon_counts=AddonCounts.from_json(stats.counts) if stats else None,
        addon_counts_at=stats.fitted_at if stats else None,
    )


RECOMMENDER_INPUTS = ReferenceData(
    "bundle-recommender-inputs", _recommender_inputs_load,
    ("bundles.BundleRecommenderSettings", "bundles.BundleAddonStats"),
)


def bundle_recommender_inputs() -> RecommenderInputs:
    return RECOMMENDER_INPUTS.get()
