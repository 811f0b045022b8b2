"""Bundle orders: what a member ordered, priced as it was that day. Written by
``bundle_order_place``; changes only through the services (acknowledge, return)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import OrderSource, OrderStatus
from .component import MONEY


class BundleOrder(models.Model):
    """``lines`` and ``prices`` are snapshots (JSON, money as strings): a later change of a
    component's price or of the discount schedules does not change an order.

    ``lines``: ``[{"code", "name", "unit", "quantity", "unit_price", "amount"}, ...]``;
    ``prices``: ``{"on", "currency", "list_price", "discounts": [{"kind", "percent", "amount",
    "reason"}, ...], "total_discount", "total", "note"}``.
    """

    # Wagtail would otherwise re-index its references after every save (a task per row).
    wagtail_reference_index_ignore = True

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="bundle_orders", verbose_name=_("member")
    )
    template = models.ForeignKey(
        "bundles.BundleTemplate", on_delete=models.PROTECT, related_name="orders", verbose_name=_("bundle")
    )
    lines = models.JSONField(_("lines"))
    prices = models.JSONField(_("prices"))
    list_price = models.DecimalField(_("list price"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    validity_days = models.PositiveSmallIntegerField(_("validity (days)"))
    monthly_spending_cap = models.DecimalField(_("monthly spending cap"), null=True, blank=True, **MONEY)
    idempotency_key = models.CharField(max_length=100, unique=True)
    request_fingerprint = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=8, choices=OrderSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=120, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    placed_at = models.DateTimeField(_("placed at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_until = models.DateTimeField(_("returnable until"), null=True, blank=True)

    class Meta:
        verbose_name = _("bundle order")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["member", "-placed_at"], name="bundle_order_member_idx"),
            models.Index(fields=["status", "-placed_at"], name="bundle_order_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=models.F("list_price")),
                name="bundle_order_total_within_list_price",
            ),
            models.CheckConstraint(
                condition=Q(status="returned", returned_at__isnull=False)
                | (~Q(status="returned") & Q(returned_at__isnull=True)),
                name="bundle_order_returned_iff_returned_at",
            ),
        ]

    def __str__(self) -> str:
        return f"bundle order {self.pk}: {self.template_id} for {self.member_id} ({self.status})"
