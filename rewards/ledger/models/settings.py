from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting


class ExpiryPolicy(models.TextChoices):
    ROLLING_MONTHS = "rolling", _("A fixed number of months after earning")
    END_OF_NEXT_YEAR = "next_year_end", _("At the end of the year after earning")
    NEVER = "never", _("Never")


class LedgerSettings(BaseGenericSetting):
    """How points clear and expire: edited by marketers under Settings in the Wagtail admin."""

    clearing_days = models.PositiveSmallIntegerField(
        _("clearing delay (days)"), default=0,
        help_text=_("Points stay pending this many days before they can be spent."),
    )
    expiry_policy = models.CharField(
        _("expiry policy"), max_length=16, choices=ExpiryPolicy.choices, default=ExpiryPolicy.ROLLING_MONTHS
    )
    expiry_months = models.PositiveSmallIntegerField(_("months until expiry"), default=12)

    panels = [FieldPanel("clearing_days"), FieldPanel("expiry_policy"), FieldPanel("expiry_months")]

    class Meta:
        verbose_name = _("points clearing and expiry")
