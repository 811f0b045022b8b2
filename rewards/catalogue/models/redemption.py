from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RedemptionState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class Redemption(models.Model):
    """A member bought a reward with points. Written once by ``redemption_create``.

    ``idempotency_key`` is unique: the same request twice is one redemption. The fingerprint
    (a hash of who, what and where to) tells a retry from a different request reusing a key.
    The ledger's debit has the key ``redeem:<idempotency_key>`` and the source
    ``redemption:<id>``.
    """

    # Wagtail would otherwise re-index its references after every save (a task per row).
    wagtail_reference_index_ignore = True

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="redemptions")
    reward = models.ForeignKey("catalogue.Reward", on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    state = models.CharField(
        _("state"), max_length=9, choices=RedemptionState.choices, default=RedemptionState.CONFIRMED
    )
    idempotency_key = models.CharField(max_length=100, unique=True)
    request_fingerprint = models.CharField(max_length=64)
    voucher_code = models.CharField(_("voucher code"), max_length=64, blank=True, default="")
    delivery_address = models.JSONField(_("delivery address"), null=True, blank=True)
    created_at = models.DateTimeField(_("redeemed at"))
    cancel_deadline = models.DateTimeField(_("cancellable until"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=255, blank=True, default="")
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("redemption")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the per-member limit counts a member's live redemptions of one reward in a period
            models.Index(
                fields=["member", "reward", "created_at"],
                condition=~Q(state="cancelled"),
                name="redemption_member_limit_idx",
            ),
            models.Index(fields=["member", "-created_at"], name="redemption_member_idx"),
            models.Index(fields=["state", "-created_at"], name="redemption_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="redemption_points_positive"),
            models.CheckConstraint(
                condition=Q(state="cancelled", cancelled_at__isnull=False)
                | (~Q(state="cancelled") & Q(cancelled_at__isnull=True)),
                name="redemption_cancelled_iff_cancelled_at",
            ),
        ]

    def __str__(self) -> str:
        return f"redemption {self.pk}: {self.reward_id} by {self.member_id} ({self.state})"


class FulfilmentState(models.TextChoices):
    TO_SHIP = "to_ship", _("To ship")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


class Fulfilment(models.Model):
    """Merchandise to send to a member's delivery address."""

    # Wagtail would otherwise re-index its references after every save (a task per row).
    wagtail_reference_index_ignore = True

    redemption = models.OneToOneField(Redemption, on_delete=models.PROTECT, related_name="fulfilment")
    state = models.CharField(
        _("state"), max_length=9, choices=FulfilmentState.choices, default=FulfilmentState.TO_SHIP
    )
    address = models.JSONField(_("delivery address"))
    tracking = models.CharField(_("tracking number"), max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fulfilment")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="fulfilment_state_idx")]

    def __str__(self) -> str:
        return f"fulfilment of redemption {self.redemption_id} ({self.state})"
