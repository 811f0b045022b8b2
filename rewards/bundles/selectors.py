"""Reads of the bundles app. Writes live in ``services``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from club.members.models import Member

from .models import BundleOrder, BundleOutbox, BundleTemplate, BundleTemplateLine, OutboxState


def bundle_templates_for_member(*, member_id: int) -> list[BundleTemplate]:
    """Live templates that suit the member: their segment (or every segment) and payment plan
    (or any), every component active. Three queries; templates are few, so the segment test
    runs in Python (``target_segments`` is a JSON list, which SQLite cannot search)."""
    member = Member.objects.filter(pk=member_id).values("segment", "payment_plan").first()
    if member is None:
        return []
    lines = BundleTemplateLine.objects.select_related("component").order_by("sort_order", "id")
    templates = BundleTemplate.objects.filter(live=True).prefetch_related(Prefetch("lines", queryset=lines))
    return [
        template
        for template in templates.order_by("name")
        if template.suits(segment=member["segment"], payment_plan=member["payment_plan"])
        and template.lines.all()
        and all(line.component.active for line in template.lines.all())
    ]


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
