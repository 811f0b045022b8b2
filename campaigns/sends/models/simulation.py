"""A reach simulation: what a campaign's send would do today, computed by running the real
reservation chunk by chunk in transactions that are rolled back (``services/reach.py``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReachSimulation(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="reach_simulations",
        verbose_name=_("campaign"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("The draft simulated (empty: the campaign as saved)."),
    )
    at = models.DateTimeField(_("simulated send time"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=SimulationStatus.choices, default=SimulationStatus.PENDING
    )
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    # Results: the audience, who would receive it, who would be held out, who suppressed and why.
    targeted = models.PositiveIntegerField(_("in the audience"), default=0)
    delivered = models.PositiveIntegerField(_("would receive it"), default=0)
    held_out = models.PositiveIntegerField(_("held out"), default=0)
    suppressed = models.JSONField(_("suppressed by reason"), default=dict, blank=True)
    competitors = models.JSONField(
        _("campaigns reserved first"), default=list, blank=True,
        help_text=_("The running and scheduled campaigns whose reservations were simulated too."),
    )
    error = models.TextField(blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("reach simulation")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.at:%Y-%m-%d %H:%M}"

    @property
    def suppressed_total(self) -> int:
        return sum(self.suppressed.values())
