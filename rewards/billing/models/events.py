"""Billing events as applied: one row per operator event id (see docs/ingestion.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}
EVENT_ID_MAX_LENGTH = 64


class EventKind(models.TextChoices):
    BILL_PAID = "bill_paid", _("Bill paid")
    TOP_UP = "top_up", _("Top-up")
    USAGE = "usage", _("Usage")
    PLAN_CHANGE = "plan_change", _("Plan change")
    STATUS_CHANGE = "status_change", _("Status change")
    REVERSAL = "reversal", _("Reversal")


class EventState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REVERSED = "reversed", _("Reversed")
    WAITING = "waiting", _("Reversal waiting for its original")


class EventSource(models.TextChoices):
    API = "api", _("Operator API")
    FILE = "file", _("File (ingest_events)")


class BillingEvent(models.Model):
    """One event of the operator's billing system, stored once per ``event_id``.

    Rows are written set-based by ``billing_events_ingest`` (COPY + ``INSERT ... ON CONFLICT
    (event_id) DO NOTHING`` on PostgreSQL); only ``state`` and ``reversed_by`` change later.
    Payload columns not used by a kind stay at their empty value.
    """

    # Unique through ``billing_event_id_unique`` (a constraint: ``unique=True`` would add a
    # second, ``LIKE``-only index that no query uses and every insert pays for).
    event_id = models.CharField(_("event id"), max_length=EVENT_ID_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    # No index of its own: ``billing_member_kind_time_idx`` starts with the member.
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    state = models.CharField(_("state"), max_length=8, choices=EventState.choices)
    source = models.CharField(_("source"), max_length=8, choices=EventSource.choices)
    batch_ref = models.CharField(_("batch"), max_length=80, blank=True, default="")
    # bill_paid, top_up
    amount = models.DecimalField(_("amount"), null=True, blank=True, **MONEY)
    # bill_paid, usage: the billing period (first day of its month)
    period = models.DateField(_("period"), null=True, blank=True)
    channel = models.CharField(_("top-up channel"), max_length=32, blank=True, default="")
    data_mb = models.BigIntegerField(_("data (MB)"), default=0)
    voice_minutes = models.BigIntegerField(_("voice minutes"), default=0)
    sms = models.BigIntegerField(_("SMS"), default=0)
    # plan_change
    plan_name = models.CharField(_("plan"), max_length=80, blank=True, default="")
    payment_plan = models.CharField(_("payment plan"), max_length=8, blank=True, default="")
    tariff_kind = models.CharField(_("tariff"), max_length=10, blank=True, default="")
    # status_change
    status = models.CharField(_("status"), max_length=12, blank=True, default="")
    churn_reason = models.CharField(_("churn reason"), max_length=24, blank=True, default="")
    # reversal: the event it reverses; on a reversed event: the reversal that reversed it
    reverses = models.CharField(
        _("reverses event"), max_length=EVENT_ID_MAX_LENGTH, blank=True, default=""
    )
    reversed_by = models.CharField(
        _("reversed by event"), max_length=EVENT_ID_MAX_LENGTH, blank=True, default=""
    )

    class Meta:
        verbose_name = _("billing event")
        verbose_name_plural = _("billing events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["member", "kind", "occurred_at"], name="billing_member_kind_time_idx"),
            models.Index(fields=["-received_at", "-id"], name="billing_received_idx"),
            models.Index(fields=["kind", "state"], name="billing_kind_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event_id"], name="billing_event_id_unique"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="billing_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(data_mb__gte=0) & Q(voice_minutes__gte=0) & Q(sms__gte=0),
                name="billing_usage_not_negative",
            ),
            models.CheckConstraint(condition=~Q(kind="reversal") | ~Q(reverses=""),
                                   name="billing_reversal_names_original"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.kind}, {self.state})"


class PendingReversal(models.Model):
    """A reversal whose original has not arrived yet. When the original comes, it is stored
    as reversed (it never earns or counts) and this row is deleted, in the same transaction."""

    reversal = models.OneToOneField(BillingEvent, on_delete=models.CASCADE, related_name="+")
    original_event_id = models.CharField(
        _("original event id"), max_length=EVENT_ID_MAX_LENGTH, unique=True
    )
    created_at = models.DateTimeField(_("waiting since"))

    class Meta:
        verbose_name = _("pending reversal")
        verbose_name_plural = _("pending reversals")

    def __str__(self) -> str:
        return f"{self.reversal_id} waits for {self.original_event_id}"
