from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting


class MembershipSettings(BaseGenericSetting):
    """How a member earns the club membership without paying: volume (spend over the rolling
    twelve months) and tenure (whole years since activation), both needed. Edited by marketers
    under Settings; the nightly evaluation reads it."""

    earned_enabled = models.BooleanField(_("members can earn the membership"), default=True)
    earn_min_rolling_spend = models.DecimalField(
        _("minimum spend over the last 12 months"), max_digits=14, decimal_places=2,
        default=Decimal("3000000"), validators=[MinValueValidator(Decimal(0))],
    )
    earn_min_tenure_years = models.PositiveSmallIntegerField(_("minimum tenure (years)"), default=2)

    panels = [
        FieldPanel("earned_enabled"),
        FieldPanel("earn_min_rolling_spend"),
        FieldPanel("earn_min_tenure_years"),
    ]

    class Meta:
        verbose_name = _("club membership rules")
