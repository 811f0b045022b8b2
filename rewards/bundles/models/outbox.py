from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import OutboxAction, OutboxState


class BundleOutbox(models.Model):
    """A bundle for the billing system to activate on a line, or to deactivate after a return.

    One ``activate`` row per order, written in the order's transaction; one ``deactivate`` row
    when it is returned (unique per order and action). The billing system reads pending rows
    through the operator API (keyset by id, so a deactivation always comes after its
    activation) and acknowledges them. States move only by conditional ``UPDATE ... WHERE
    state = 'pending'``.
    """

    # Wagtail would otherwise re-index its references after every save (a task per row).
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(
        "bundles.BundleOrder", on_delete=models.PROTECT, related_name="outbox_rows", verbose_name=_("order")
    )
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=OutboxAction.choices)
    msisdn = models.CharField(_("MSISDN"), max_length=16)
    account_number = models.CharField(_("account number"), max_length=32)
    payload = models.JSONField(_("payload"), help_text=_("The bundle's lines, price, validity and cap."))
    state = models.CharField(
        _("state"), max_length=12, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    created_at = models.DateTimeField(_("created at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bundle outbox row")
        verbose_name_plural = _("bundle outbox")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(state="pending"), name="bundle_outbox_pending_idx"),
            models.Index(fields=["state", "-id"], name="bundle_outbox_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "action"], name="bundle_outbox_once_per_action"),
        ]

    def __str__(self) -> str:
        return f"{self.action} bundle order {self.order_id} on {self.msisdn} ({self.state})"
