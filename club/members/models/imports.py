from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriberImport(models.Model):
    """One run of the subscriber import, started from the admin upload screen or the command.
    Progress is written as the run goes so the admin can show a progress bar."""

    class Mode(models.TextChoices):
        BEST_EFFORT = "best_effort", _("Write the valid rows, report the bad ones")
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: any bad row writes nothing")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected (nothing written)")
        FAILED = "failed", _("Failed")

    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    mapping_name = models.CharField(max_length=80)
    mapping = models.JSONField()
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.BEST_EFFORT)
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{row, column, message}]")
    failure = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.original_name}"

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.state in {self.State.DONE, self.State.REJECTED} else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.REJECTED, self.State.FAILED}
