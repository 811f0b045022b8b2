from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboxOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    OUTDATED = "outdated", _("Older than the state held: no change")
    UNMATCHED = "unmatched", _("No member found: left for reconcile")
    IGNORED = "ignored", _("Not a type the club handles")
    FAILED = "failed", _("Failed every attempt: needs an operator")


class StripeEventInbox(models.Model):
    """Every verified Stripe event, once: ``event_id`` is unique, so a redelivery inserts
    nothing and changes nothing. The webhook writes the row pending (``processed_at`` empty)
    and answers; the drain applies pending rows in batches and marks each processed in the
    same transaction as its effect (docs/membership.md)."""

    event_id = models.CharField(_("event id"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=64)
    created = models.DateTimeField(_("created at Stripe"))
    livemode = models.BooleanField(_("live mode"), default=False)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=InboxOutcome.choices, blank=True)
    member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["type", "received_at"], name="stripe_inbox_type_idx"),
            # the drain's queue: pending rows only, oldest first
            models.Index(fields=["id"], condition=Q(processed_at__isnull=True),
                         name="stripe_inbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
