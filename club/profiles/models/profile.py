"""A member's usage profile: rolling aggregates of billing events, usage and care contacts.

One row per member, refreshed set-based by ``club.profiles.services.refresh`` (nightly and
incrementally as billing events arrive). The segment and churn fields are filled by later
steps of the pipeline (``club.profiles.pipeline``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


def _money(verbose_name):
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, default=Decimal("0"))


class MemberProfile(models.Model):
    member = models.OneToOneField("members.Member", primary_key=True, on_delete=models.CASCADE,
                                  related_name="profile", verbose_name=_("member"))
    as_of = models.DateField(_("as of"), help_text=_("The last day of the window the figures cover."))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    spend_3m = _money(_("spend, last 3 months"))
    spend_prev_3m = _money(_("spend, the 3 months before"))
    spend_12m = _money(_("spend, last 12 months"))
    months_active_12m = models.SmallIntegerField(_("active months, last 12"), default=0)

    data_mb_3m = models.BigIntegerField(_("data (MB), last 3 months"), default=0)
    data_mb_prev_3m = models.BigIntegerField(_("data (MB), the 3 months before"), default=0)
    voice_minutes_3m = models.BigIntegerField(_("voice minutes, last 3 months"), default=0)
    voice_minutes_prev_3m = models.BigIntegerField(_("voice minutes, the 3 months before"), default=0)
    sms_3m = models.BigIntegerField(_("SMS, last 3 months"), default=0)

    top_ups_3m = models.IntegerField(_("top-ups, last 3 months"), default=0)
    top_up_amount_3m = _money(_("top-up amount, last 3 months"))
    mean_days_between_top_ups = models.DecimalField(_("mean days between top-ups"), max_digits=8,
                                                    decimal_places=2, null=True, blank=True)
    last_top_up_at = models.DateTimeField(_("last top-up"), null=True, blank=True)

    days_suspended_90d = models.SmallIntegerField(_("days suspended (zero balance), last 90 days"), default=0)
    days_in_arrears_90d = models.SmallIntegerField(_("days in arrears, last 90 days"), default=0)
    arrears_episodes_12m = models.SmallIntegerField(_("arrears episodes, last 12 months"), default=0)

    complaints_90d = models.SmallIntegerField(_("complaints, last 90 days"), default=0)
    support_contacts_90d = models.SmallIntegerField(_("support contacts, last 90 days"), default=0)

    is_large_customer = models.BooleanField(_("large customer"), default=False)
    is_often_in_arrears = models.BooleanField(_("often in arrears"), default=False)
    is_lost_to_competitor = models.BooleanField(_("lost to a competitor"), default=False)
    segment_computed = models.CharField(
        _("segment by the rules"), max_length=24, blank=True, default="",
        help_text=_("The rules' answer before any manual override; the member's segment is the "
                    "effective one."))

    churn_score = models.FloatField(_("churn risk"), null=True, blank=True,
                                    help_text=_("Probability of leaving, 0 to 1."))
    churn_factors = models.JSONField(_("churn risk factors"), default=list, blank=True)
    churn_scored_at = models.DateTimeField(_("churn risk scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        indexes = [
            models.Index(fields=["segment_computed"], name="profiles_segment_computed_idx"),
            models.Index(fields=["churn_score"], name="profiles_churn_score_idx"),
        ]

    def __str__(self) -> str:
        return f"profile of member {self.member_id} as of {self.as_of}"
