"""Segments: the rule set that classifies members into the six segments of DOMAIN.md section 2
(and the three classes of the Viettel article, section 4), and the staff's manual overrides.

The rule set is one row (``singleton``), edited in the admin as a snippet with revisions: every
save is a revision with its author and time, and Wagtail's history compares any two of them
field by field, so a marketer sees who changed which threshold. Only the published (live)
values classify; a draft is a proposal. How the thresholds become SQL is
``club.profiles.segments.rules``; the order and the meaning of each is in docs/segments.md.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, RevisionMixin

from club.members.models import Segment


def _money(verbose_name, default, help_text):
    return models.DecimalField(
        verbose_name, max_digits=18, decimal_places=2, default=Decimal(default),
        validators=[MinValueValidator(Decimal(0))], help_text=help_text,
    )


def _count(verbose_name, default, help_text, *, maximum=100_000_000):
    return models.PositiveIntegerField(
        verbose_name, default=default, validators=[MaxValueValidator(maximum)], help_text=help_text,
    )


ATTRIBUTE_KEY = re.compile(r"^[A-Za-z0-9_]{1,64}$")


def comma_list(text: str) -> list[str]:
    """``"a, b ,,c"`` -> ``["a", "b", "c"]``."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class SegmentRuleSet(DraftStateMixin, RevisionMixin, models.Model):
    """The thresholds of the segment rules. Rules are tried in a fixed order, the first that
    matches gives the segment: VIP, Performance Seekers, Devicers, Curious Novices, Control
    Seekers, Cost Cutters; a member matching none is left unclassified."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)

    # 1. VIP
    vip_min_spend_12m = _money(
        _("VIP: spend in 12 months at least"), "12000000",
        _("A member who spent at least this much in the last 12 months is a VIP."))
    vip_business_min_spend_12m = _money(
        _("VIP: an enterprise or government line's spend in 12 months at least"), "6000000",
        _("Enterprise and government lines need only this much spend in 12 months to be VIPs."))
    # 2. Performance Seekers
    performance_min_data_mb_per_month = _count(
        _("Performance Seekers: data per month at least (MB)"), 15000,
        _("Average mobile data per month over the last 3 months, in MB (1 GB = 1,024 MB)."))
    performance_min_growth_percent = _count(
        _("Performance Seekers: data growth at least (%)"), 10,
        _("“Rising”: the last 3 months used at least this many percent more data than the 3 months "
          "before. 0: not falling."), maximum=10_000)
    # 3. Devicers
    devicer_addon_attributes = models.CharField(
        _("Devicers: device add-ons"), max_length=200, blank=True, default="device_protection",
        help_text=_("Names of the billing system's member attributes (comma-separated) that mark a "
                    "device add-on; a member with any of them set to Yes is a Devicer."))
    devicer_plan_keywords = models.CharField(
        _("Devicers: words in the plan name"), max_length=200, blank=True, default="device, handset",
        help_text=_("A plan whose name contains any of these words (comma-separated, any case) "
                    "comes with a device, e.g. on instalments."))
    # 4. Curious Novices
    novice_max_tenure_months = _count(
        _("Curious Novices: tenure under (months)"), 6,
        _("A member who activated the line fewer than this many months ago is a Curious Novice. "
          "0: tenure alone never makes one."), maximum=1200)
    novice_min_support_contacts_90d = _count(
        _("Curious Novices: support contacts in 90 days at least"), 2,
        _("…or a member with little usage (below the data per month further down) who contacted "
          "support at least this many times in 90 days. 0: contacts alone never make one."),
        maximum=10_000)
    novice_max_data_mb_per_month = _count(
        _("Curious Novices: little usage means data per month under (MB)"), 1000,
        _("Average mobile data per month over the last 3 months, in MB."))
    # 5. Control Seekers
    control_max_days_between_top_ups = models.DecimalField(
        _("Control Seekers: days between top-ups at most"), max_digits=8, decimal_places=2,
        default=Decimal(10), validators=[MinValueValidator(Decimal(0))],
        help_text=_("Prepaid lines topping up regularly: the mean days between top-ups (at least two "
                    "top-ups in the window) is at most this."))
    control_max_average_top_up = _money(
        _("Control Seekers: average top-up at most"), "100000",
        _("…and the average top-up of the last 3 months is at most this amount: small, regular "
          "top-ups keep spend under control."))
    # 6. Cost Cutters
    cost_max_spend_3m = _money(
        _("Cost Cutters: spend in 3 months at most"), "300000",
        _("Low spend: at most this much in the last 3 months…"))
    cost_max_data_mb_per_month = _count(
        _("Cost Cutters: data per month at most (MB)"), 2000,
        _("…and low usage: at most this much data per month on average over the last 3 months."))
    # The classes of the Viettel article
    large_min_spend_12m = _money(
        _("Large customer: spend in 12 months at least"), "24000000",
        _("A line that spent at least this much in 12 months is a large customer."))
    large_includes_business = models.BooleanField(
        _("Large customer: every enterprise and government line"), default=True,
        help_text=_("Ticked: enterprise and government lines are large customers whatever they spend."))
    arrears_min_episodes_12m = _count(
        _("Often in arrears: arrears episodes in 12 months at least"), 2,
        _("How many times in the last 12 months the line fell into arrears."), maximum=1000)

    updated_at = models.DateTimeField(auto_now=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="segment_rule_set")

    class Meta:
        verbose_name = _("segment rules")
        verbose_name_plural = _("segment rules")
        constraints = [models.CheckConstraint(condition=Q(singleton=True), name="segmentruleset_singleton")]

    def __str__(self) -> str:
        return str(_("Segment rules"))

    @property
    def revisions(self):
        return self._revisions

    @property
    def devicer_attribute_keys(self) -> list[str]:
        return comma_list(self.devicer_addon_attributes)

    @property
    def devicer_plan_words(self) -> list[str]:
        return comma_list(self.devicer_plan_keywords)

    def clean(self):
        super().clean()
        bad = [key for key in self.devicer_attribute_keys if not ATTRIBUTE_KEY.match(key)]
        if bad:
            raise ValidationError({"devicer_addon_attributes": _(
                "Attribute names are letters, digits and underscores (up to 64): %(bad)s."
            ) % {"bad": ", ".join(bad)}})


class SegmentOverride(models.Model):
    """A member's segment set by hand by staff, with a reason. It wins over the rules until it
    is cleared; a new override clears the previous one. Rows are never deleted: they are the
    history."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="segment_overrides",
                               verbose_name=_("member"))
    segment = models.CharField(_("segment"), max_length=24,
                               choices=[c for c in Segment.choices if c[0]])
    reason = models.TextField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("set by"))
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("cleared by"))

    class Meta:
        verbose_name = _("segment override")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "-created_at"], name="segoverride_member_idx")]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(cleared_at__isnull=True),
                                    name="segoverride_one_active_per_member"),
            models.CheckConstraint(condition=~Q(segment=""), name="segoverride_segment_given"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} -> {self.segment} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None
