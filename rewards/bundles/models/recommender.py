"""What the bundle recommender reads besides the member: the marketer's settings (headroom over
usage, the extra data for Performance Seekers, how many months of usage count) and the add-on
statistics it learned from the members' services (``bundle_addon_stats_refresh``)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting

DEFAULT_HEADROOM_PERCENT = 20
DEFAULT_PERFORMANCE_EXTRA_PERCENT = 30
DEFAULT_USAGE_MONTHS = 3
DEFAULT_ADDON_SUGGESTIONS = 3


class BundleRecommenderSettings(BaseGenericSetting):
    """Edited by marketers under Settings → Bundle recommender."""

    headroom_percent = models.PositiveSmallIntegerField(
        _("headroom over usage (%)"),
        default=DEFAULT_HEADROOM_PERCENT,
        validators=[MaxValueValidator(200)],
        help_text=_(
            "Data, minutes and SMS are sized to the member's monthly average plus this much, then "
            "rounded up to the component's step: 20% turns 8.3 GB a month into 10 GB."
        ),
    )
    performance_extra_percent = models.PositiveSmallIntegerField(
        _("extra data for Performance Seekers (%)"),
        default=DEFAULT_PERFORMANCE_EXTRA_PERCENT,
        validators=[MaxValueValidator(200)],
        help_text=_("Added to the headroom on data for Performance Seekers, who want fast data to spare."),
    )
    usage_months = models.PositiveSmallIntegerField(
        _("months of usage"),
        default=DEFAULT_USAGE_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("How many full months before this one the monthly average is taken over (1–12)."),
    )
    addon_suggestions = models.PositiveSmallIntegerField(
        _("add-ons suggested"),
        default=DEFAULT_ADDON_SUGGESTIONS,
        validators=[MinValueValidator(0), MaxValueValidator(6)],
        help_text=_(
            "The most add-ons the recommender switches on in a bundle (those members like this one "
            "most often have). 0: never switch add-ons on. Cost Cutters never get add-ons."
        ),
    )

    panels = [
        FieldPanel("headroom_percent"),
        FieldPanel("performance_extra_percent"),
        FieldPanel("usage_months"),
        FieldPanel("addon_suggestions"),
    ]

    class Meta:
        verbose_name = _("bundle recommender")


class BundleAddonStats(models.Model):
    """Counts of the members' add-on services, together and with their plan and Internet
    service: what the add-on recommender (``rewards.bundles.addons``) scores with. A new row per
    refresh; the newest is used."""

    fitted_at = models.DateTimeField(_("fitted at"))
    customers = models.PositiveIntegerField(_("members counted"))
    counts = models.JSONField(
        _("counts"),
        help_text=_(
            "How many members hold each add-on, alone and with each other add-on, plan and Internet service."
        ),
    )

    class Meta:
        verbose_name = _("bundle add-on statistics")
        verbose_name_plural = _("bundle add-on statistics")
        ordering = ["-fitted_at", "-id"]

    def __str__(self) -> str:
        return f"add-on statistics of {self.customers} members at {self.fitted_at:%Y-%m-%d %H:%M}"
