"""The co-branded service's revenue of a month, entered by the operator's staff.

The revenue a co-branded service earns is billed by the operator's billing system, outside
Troika; finance enters the month's figure per co-promotion (Wagtail admin, "Settlement"), and
the statement applies the agreed share percent to it. A figure cannot change once the month's
statement for that partner is approved or issued (``revenue_set`` refuses).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CoPromotionRevenue(models.Model):
    copromotion = models.ForeignKey(
        "copromotions.CoPromotion", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("co-promotion"),
    )
    period = models.DateField(
        _("month"), help_text=_("The first day of the month the revenue was earned in.")
    )
    revenue = models.DecimalField(
        _("revenue"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)],
        help_text=_("What the co-branded service earned in the month, in the operator's currency."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        ordering = ["-period", "copromotion_id"]
        verbose_name = _("co-branded revenue")
        verbose_name_plural = _("co-branded revenue")
        constraints = [
            models.UniqueConstraint(fields=["copromotion", "period"], name="settlement_revenue_once_a_month"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="settlement_revenue_first_day"),
            models.CheckConstraint(
                condition=models.Q(revenue__gte=0), name="settlement_revenue_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.copromotion_id} {self.period:%Y-%m}: {self.revenue}"
