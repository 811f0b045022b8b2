from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxKind(models.TextChoices):
    BILL_CREDIT = "bill_credit", _("Bill credit")
    DATA = "data", _("Data")
    MINUTES = "minutes", _("Voice minutes")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class NetworkOutbox(models.Model):
    """A network-native reward for the billing system to apply (credit, data, minutes).

    Written in the redemption's transaction; the billing system reads pending rows through
    the operator API (keyset by id) and acknowledges them. States move only by conditional
    ``UPDATE ... WHERE state = ...``, so acknowledging and cancelling cannot both win.
    """

    # Wagtail would otherwise re-index its references after every save (a task per row).
    wagtail_reference_index_ignore = True

    redemption = models.OneToOneField("catalogue.Redemption", on_delete=models.PROTECT, related_name="outbox")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=OutboxKind.choices)
    msisdn = models.CharField(_("MSISDN"), max_length=16)
    account_number = models.CharField(_("account number"), max_length=32)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=8, help_text=_("The currency code, MB or min."))
    state = models.CharField(
        _("state"), max_length=12, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(
        _("failures reported"),
        default=0,
        help_text=_("How many times the billing system reported a failure."),
    )
    last_error = models.CharField(_("last error"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network outbox row")
        verbose_name_plural = _("network outbox")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(state="pending"), name="outbox_pending_idx"),
            models.Index(fields=["state", "-id"], name="outbox_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="outbox_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} {self.unit} to {self.msisdn} ({self.state})"
