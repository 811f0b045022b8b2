"""Discount schedules: volume brackets and tenure bands per customer type (docs/discounts.md).

A snippet with drafts, revisions, publish/unpublish and locking: only the published (live)
version of a schedule quotes. The rules an editor must follow are in ``validation.py`` and are
shown by the admin form (``forms.py``); the database keeps the ranges with check constraints.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin

from club.audit.models import Audited

from ..choices import ALL_CUSTOMER_TYPES, CUSTOMER_TYPE_CHOICES, Stacking

PERCENT = {
    "max_digits": 5, "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
MONEY = {"max_digits": 18, "decimal_places": 2}


def _default_customer_types() -> list[str]:
    return [ALL_CUSTOMER_TYPES]


class DiscountSchedule(Audited, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    name = models.CharField(_("name"), max_length=120)
    customer_types = models.JSONField(
        _("customer types"), default=_default_customer_types,
        help_text=_("Who this schedule is for. A schedule naming a customer type beats one for all."),
    )
    stacking = models.CharField(
        _("stacking"), max_length=12, choices=Stacking.choices, default=Stacking.BEST_OF,
        help_text=_("When both a volume and a tenure discount apply: take the larger one, or add "
                    "them up to the cap."),
    )
    cap_percent = models.DecimalField(
        _("cap (%)"), null=True, blank=True, **PERCENT,
        help_text=_("For “sum”: the most the volume and tenure discounts may add up to."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("Inclusive. Empty: no end."))

    class Meta:
        verbose_name = _("discount schedule")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap_percent__isnull=True) | Q(cap_percent__gte=0, cap_percent__lte=100),
                name="discount_schedule_cap_0_100",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="discount_schedule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def customer_types_label(self) -> str:
        labels = dict(CUSTOMER_TYPE_CHOICES)
        return ", ".join(str(labels.get(value, value)) for value in self.customer_types or [])


class VolumeBracket(Orderable):
    schedule = ParentalKey(DiscountSchedule, on_delete=models.CASCADE, related_name="volume_brackets")
    spend_from = models.DecimalField(
        _("rolling 12-month spend from"), validators=[MinValueValidator(0)], **MONEY,
    )
    percent = models.DecimalField(_("discount (%)"), **PERCENT)

    class Meta(Orderable.Meta):
        verbose_name = _("volume bracket")
        constraints = [
            models.CheckConstraint(condition=Q(spend_from__gte=0), name="discount_volume_spend_positive"),
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100),
                                   name="discount_volume_percent_0_100"),
        ]


class TenureBand(Orderable):
    schedule = ParentalKey(DiscountSchedule, on_delete=models.CASCADE, related_name="tenure_bands")
    years_from = models.PositiveSmallIntegerField(_("years with us from"))
    percent = models.DecimalField(_("discount (%)"), **PERCENT)

    class Meta(Orderable.Meta):
        verbose_name = _("tenure band")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100),
                                   name="discount_tenure_percent_0_100"),
        ]
