from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin

from club.audit.models import Audited
from club.members.models import CustomerType, Segment


class EarningKind(models.TextChoices):
    BILL_PAID = "bill_paid", _("Bill paid")
    TOP_UP = "top_up", _("Top-up")
    USAGE = "usage", _("Usage")
    ANNIVERSARY = "anniversary", _("Activation anniversary")


class CapPeriod(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week (Monday to Sunday)")
    MONTH = "month", _("Calendar month")
    YEAR = "year", _("Calendar year")


class Stacking(models.TextChoices):
    ADDITIVE = "additive", _("Additive: adds to every other rule")
    BEST_OF = "best_of", _("Best of: only the best best-of rule counts")


class EarningRule(Audited, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """How many points an event earns. Only live (published) rules are applied.

    Points are whole steps: ``floor(amount / amount_step) * amount_points`` (and the same per
    usage unit), times the member's multipliers, rounded down once at the end.
    """

    name = models.CharField(_("name"), max_length=120)
    event_kind = models.CharField(_("applies to"), max_length=12, choices=EarningKind.choices)
    amount_points = models.PositiveIntegerField(_("points per amount step"), default=0)
    amount_step = models.DecimalField(
        _("amount step"), max_digits=18, decimal_places=2, default=Decimal(10000),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("E.g. 1 point per 10,000 VND: points 1, step 10000."),
    )
    data_points = models.PositiveIntegerField(_("points per data step"), default=0)
    data_step_mb = models.PositiveIntegerField(
        _("data step (MB)"), default=100, validators=[MinValueValidator(1)]
    )
    voice_points = models.PositiveIntegerField(_("points per voice step"), default=0)
    voice_step_minutes = models.PositiveIntegerField(
        _("voice step (minutes)"), default=1, validators=[MinValueValidator(1)]
    )
    sms_points = models.PositiveIntegerField(_("points per SMS step"), default=0)
    sms_step = models.PositiveIntegerField(_("SMS step"), default=1, validators=[MinValueValidator(1)])
    anniversary_points = models.PositiveIntegerField(_("anniversary bonus points"), default=0)
    anniversary_scales_with_years = models.BooleanField(
        _("multiply the bonus by the years of tenure"), default=False
    )
    apply_tier_multiplier = models.BooleanField(
        _("apply the tier's points multiplier"), default=True
    )
    cap_points = models.PositiveIntegerField(
        _("most points per member per period"), null=True, blank=True,
        help_text=_("Empty: no cap."),
    )
    cap_period = models.CharField(_("cap period"), max_length=5, choices=CapPeriod.choices, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True, help_text=_("Exclusive."))
    stacking = models.CharField(
        _("stacking"), max_length=8, choices=Stacking.choices, default=Stacking.ADDITIVE
    )
    priority = models.SmallIntegerField(
        _("priority"), default=0, help_text=_("Higher first; breaks ties between best-of rules.")
    )
    segments = models.JSONField(
        _("only for segments"), default=list, blank=True,
        help_text=_("The rule applies only to members of these segments. None ticked: every member."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="earning_rule")

    class Meta:
        verbose_name = _("earning rule")
        ordering = ["-priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap_points__isnull=True) | ~Q(cap_period=""), name="earningrule_cap_has_period"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="earningrule_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        super().clean()
        segments = self.segments if isinstance(self.segments, list) else [self.segments]
        if not set(map(str, segments)) <= MULTIPLIER_VALUES[MultiplierDimension.SEGMENT]:
            raise ValidationError({"segments": _("Choose among the six segments.")})
        if self.cap_points is not None and not self.cap_period:
            raise ValidationError({"cap_period": _("A cap needs a period.")})
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("Must be after 'valid from'.")})


class MultiplierDimension(models.TextChoices):
    TIER = "tier", _("Tier (code)")
    SEGMENT = "segment", _("Segment")
    CUSTOMER_TYPE = "customer_type", _("Customer type")


MULTIPLIER_VALUES = {
    MultiplierDimension.SEGMENT: {value for value, _label in Segment.choices if value},
    MultiplierDimension.CUSTOMER_TYPE: set(CustomerType.values),
}


class EarningRuleMultiplier(Orderable):
    """Points × ``multiplier`` for members in one tier, segment or customer type."""

    rule = ParentalKey(EarningRule, on_delete=models.CASCADE, related_name="multipliers")
    dimension = models.CharField(_("when the member's"), max_length=16, choices=MultiplierDimension.choices)
    value = models.CharField(
        _("is"), max_length=32,
        help_text=_("A tier code, a segment (e.g. vip) or a customer type (e.g. enterprise)."),
    )
    multiplier = models.DecimalField(
        _("multiply by"), max_digits=6, decimal_places=3, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta(Orderable.Meta):
        verbose_name = _("multiplier")
        constraints = [
            models.CheckConstraint(condition=Q(multiplier__gte=0), name="earningmultiplier_not_negative"),
        ]

    def clean(self):
        super().clean()
        allowed = MULTIPLIER_VALUES.get(self.dimension)
        if allowed is not None and self.value not in allowed:
            raise ValidationError({"value": _("Choose one of: %s.") % ", ".join(sorted(allowed))})


class EarningCounter(models.Model):
    """Points a member earned from one capped rule in one period (the cap's record).

    Written only by ``points_for_events`` with ``INSERT ... ON CONFLICT DO UPDATE SET points =
    points + excluded.points`` on rows it locked first, never read-modify-write.
    """

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(EarningRule, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    points = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "rule", "period_start"], name="earningcounter_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="earningcounter_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} rule {self.rule_id} {self.period_start}: {self.points}"
