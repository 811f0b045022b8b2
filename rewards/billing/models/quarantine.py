"""Events refused at ingestion, kept as received with the reasons (the admin's quarantine)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import EVENT_ID_MAX_LENGTH, EventSource


class QuarantineReason(models.TextChoices):
    """The first reason's category (for filtering); ``reasons`` holds every message."""

    NOT_AN_OBJECT = "not_an_object", _("Not a JSON object")
    MISSING_FIELD = "missing_field", _("Missing field")
    UNKNOWN_FIELD = "unknown_field", _("Unknown field")
    UNKNOWN_KIND = "unknown_kind", _("Unknown kind")
    BAD_EVENT_ID = "bad_event_id", _("Bad event id")
    BAD_MEMBER = "bad_member", _("Bad member reference")
    UNKNOWN_MEMBER = "unknown_member", _("Unknown member")
    BAD_AMOUNT = "bad_amount", _("Bad amount")
    BAD_QUANTITY = "bad_quantity", _("Bad usage quantity")
    BAD_TIMESTAMP = "bad_timestamp", _("Bad timestamp or period")
    BAD_VALUE = "bad_value", _("Bad value")
    BAD_REVERSAL = "bad_reversal", _("Reversal refused")


class QuarantinedEvent(models.Model):
    """One refused event, exactly as received. ``digest`` (SHA-256 of the canonical payload)
    is unique, so the same bad event sent twice is kept once."""

    raw = models.JSONField(_("event as received"))
    event_id = models.CharField(_("event id"), max_length=EVENT_ID_MAX_LENGTH, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=16, choices=QuarantineReason.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    source = models.CharField(_("source"), max_length=8, choices=EventSource.choices)
    batch_ref = models.CharField(_("batch"), max_length=80, blank=True, default="")
    position = models.PositiveIntegerField(_("position in the batch"), default=0)
    received_at = models.DateTimeField(_("received at"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    resolved_at = models.DateTimeField(
        _("resolved at"), null=True, blank=True,
        help_text=_("When an event with the same id was later applied."),
    )

    class Meta:
        verbose_name = _("quarantined event")
        verbose_name_plural = _("quarantined events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="quarantine_received_idx"),
            models.Index(fields=["reason", "-received_at"], name="quarantine_reason_idx"),
            models.Index(fields=["event_id"], name="quarantine_event_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id or '(no id)'}: {self.get_reason_display()}"
