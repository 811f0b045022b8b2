"""Members whose profile has not yet seen their latest billing events.

The billing listener writes one row per member of each ingested batch (after the batch
commits); a drain claims every row of a set of members, runs the pipeline on them and deletes
the rows, in one transaction (``club.profiles.services.pending``). A member ingested ten times
before a claim has ten rows and is refreshed once.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingRefresh(models.Model):
    id = models.BigAutoField(primary_key=True)
    # indexed: a claim takes every row of the members it picked
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        verbose_name = _("pending profile refresh")
        verbose_name_plural = _("pending profile refreshes")

    def __str__(self) -> str:
        return f"member {self.member_id} since {self.requested_at:%Y-%m-%d %H:%M:%S}"
