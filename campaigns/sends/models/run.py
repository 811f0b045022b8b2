"""Runs, waves and chunks: what the fan-out has to do and how far it got (docs/fanout.md).

A **run** is one occurrence of one campaign ("once", a cron time, a trigger's day), unique per
(campaign, occurrence): a tick that fires twice finds the run already there. The runs that fall
due in one tick form a **wave**; the wave's member-id range is cut into **chunks**, and each
chunk is reserved for all of the wave's running runs in one transaction, in priority order.
A **run chunk** is a run's share of a chunk: its done flag and counts are written in the same
transaction as the chunk's deliveries, so a chunk is either wholly done or not at all.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Wave(models.Model):
    """The runs that fell due in one tick, reserved together chunk by chunk."""

    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    planned_at = models.DateTimeField(
        _("chunks made at"), null=True, blank=True,
        help_text=_("Empty until the wave's member range has been cut into chunks."),
    )
    chunk_size = models.PositiveIntegerField(_("members per chunk"))
    members = models.PositiveIntegerField(
        _("members in the audiences"), null=True, blank=True,
        help_text=_("The union of the runs' audiences when the chunks were made."),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("send wave")
        indexes = [models.Index(fields=["planned_at"], name="sends_wave_planned_idx")]

    def __str__(self) -> str:
        return f"wave {self.pk} ({self.due_at:%Y-%m-%d %H:%M})"


class Run(models.Model):
    """One occurrence of one campaign being sent."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="send_runs",
        verbose_name=_("campaign"),
    )
    occurrence = models.CharField(
        _("occurrence"), max_length=32,
        help_text=_("'once', the scheduled local time (recurring) or the day (triggered)."),
    )
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The totals, written once when the run ends; while it runs, its chunks hold them.
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    held_out = models.PositiveIntegerField(_("held out"), default=0)
    suppressed = models.JSONField(_("suppressed by reason"), default=dict, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("send run")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "occurrence"], name="sends_run_once_per_occurrence"),
        ]
        indexes = [
            models.Index(fields=["status"], name="sends_run_status_idx",
                         condition=Q(status__in=["running", "paused"])),
            models.Index(fields=["wave"], name="sends_run_wave_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.occurrence}"


class Chunk(models.Model):
    """Members with ``id_from <= id < id_to``: one transaction of the wave's reservation."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="chunks")
    id_from = models.BigIntegerField()
    id_to = models.BigIntegerField()

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("send chunk")
        ordering = ["wave", "id_from"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "id_from"], name="sends_chunk_once_per_start"),
            models.CheckConstraint(condition=Q(id_to__gt=models.F("id_from")), name="sends_chunk_not_empty"),
        ]

    def __str__(self) -> str:
        return f"[{self.id_from}, {self.id_to})"


class RunChunk(models.Model):
    """A run's share of a chunk: done (with its counts) in the transaction of its deliveries."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="chunks")
    chunk = models.ForeignKey(Chunk, on_delete=models.CASCADE, related_name="runs")
    done_at = models.DateTimeField(null=True, blank=True)
    delivered = models.PositiveIntegerField(default=0)
    held_out = models.PositiveIntegerField(default=0)
    suppressed = models.JSONField(default=dict, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("run chunk")
        constraints = [
            models.UniqueConstraint(fields=["chunk", "run"], name="sends_runchunk_once"),
        ]
        indexes = [models.Index(fields=["run", "done_at"], name="sends_runchunk_progress_idx")]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.chunk_id}"
