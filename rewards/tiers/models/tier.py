from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin

from club.audit.models import Audited

MONEY = {"max_digits": 18, "decimal_places": 2}


class Tier(Audited, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """A status level (Member, Silver, Gold...) earned by rolling 12-month spend and tenure.

    Only live (published) tiers take part in evaluation; the live tier with the lowest rank is
    the default every member starts in, so give it zero thresholds.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=80)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("Higher is better; the lowest live rank is the default tier.")
    )
    min_rolling_spend = models.DecimalField(
        _("minimum spend in the last 12 months"), default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))], **MONEY,
    )
    min_tenure_years = models.PositiveSmallIntegerField(
        _("minimum tenure (years since activation)"), default=0
    )
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    points_multiplier = models.DecimalField(
        _("points multiplier"), max_digits=6, decimal_places=3, default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    event_access = models.BooleanField(_("club event access"), default=False)
    priority_support = models.BooleanField(_("priority support"), default=False)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="tier")

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        constraints = [
            models.CheckConstraint(condition=Q(min_rolling_spend__gte=0), name="tier_min_spend_not_negative"),
            models.CheckConstraint(
                condition=Q(points_multiplier__gte=0), name="tier_multiplier_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="tier_discount_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions


@register_setting(icon="order")
class TierSettings(BaseGenericSetting):
    """How long a tier is kept: the qualification period, then a grace period before a downgrade."""

    qualification_months = models.PositiveSmallIntegerField(
        _("qualification period (months)"), default=12,
        validators=[MinValueValidator(1)],
        help_text=_("A member keeps a tier this long after they last qualified for it."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=30,
        help_text=_("Days after the qualification period before a downgrade takes effect."),
    )

    panels = [FieldPanel("qualification_months"), FieldPanel("grace_days")]

    class Meta:
        verbose_name = _("tier qualification and grace")
