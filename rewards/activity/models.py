from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class MonthlyActivity(models.Model):
    """One member's spend and usage in one calendar month (the operator's time zone).

    Billing ingestion adds to these rows with ``INSERT ... ON CONFLICT DO UPDATE SET x = x + ...``
    (never read-modify-write); reversals subtract. Rolling 12-month spend, the "volume" of
    DOMAIN.md, is the sum of the last twelve rows.
    """

    # (member, month) is unique, and that index serves member lookups too.
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    spend = models.DecimalField(_("spend"), default=0, **MONEY)
    bills_paid = models.IntegerField(_("bills paid"), default=0)
    top_up_amount = models.DecimalField(_("top-up amount"), default=0, **MONEY)
    top_ups = models.IntegerField(_("top-ups"), default=0)
    data_mb = models.BigIntegerField(_("data (MB)"), default=0)
    voice_minutes = models.BigIntegerField(_("voice minutes"), default=0)
    sms = models.BigIntegerField(_("SMS"), default=0)

    class Meta:
        verbose_name = _("monthly activity")
        verbose_name_plural = _("monthly activity")
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="activity_member_month_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="activity_month_is_first_day"),
        ]
        indexes = [models.Index(fields=["month", "member"], name="activity_month_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"
