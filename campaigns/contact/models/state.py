from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class ContactState(models.Model):
    """One row per member contacted: the lock every cap decision about the member takes
    (``SELECT ... FOR UPDATE`` in member order). Not the member row: billing ingestion locks
    that one, and a send must not wait for a bill."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("contact state")

    def __str__(self) -> str:
        return str(self.member_id)


class CampaignBudget(models.Model):
    """What a campaign has spent. Moves only by conditional deltas in SQL (``spent + cost <=
    budget``), never read-modify-write. Not a field of the Campaign: publishing a revision
    rewrites every column of the campaign row."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    spent = models.DecimalField(_("spent"), default=Decimal(0), **MONEY)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("campaign budget")
        constraints = [
            models.CheckConstraint(condition=Q(spent__gte=0), name="campaign_budget_spent_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.spent}"
