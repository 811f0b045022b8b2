from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class LotStatus(models.TextChoices):
    PENDING = "pending", _("Pending (clearing)")
    ACTIVE = "active", _("Active")
    SPENT = "spent", _("Spent")
    EXPIRED = "expired", _("Expired")
    REVERSED = "reversed", _("Reversed")


class PointLot(models.Model):
    """Points earned together, with one earn date and one expiry; spent oldest first.

    ``remaining`` falls as points are spent, expired or reversed and rises when a redemption
    is cancelled. A lot is pending until ``clears_at``, then active, and ends spent, expired or
    reversed.
    """

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    earn_entry = models.OneToOneField(
        "ledger.LedgerEntry", on_delete=models.PROTECT, related_name="lot"
    )
    points = models.BigIntegerField(_("points earned"))
    remaining = models.BigIntegerField(_("points remaining"))
    status = models.CharField(max_length=8, choices=LotStatus.choices, default=LotStatus.ACTIVE)
    earned_at = models.DateTimeField(_("earned at"))
    clears_at = models.DateTimeField(_("clears at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # How many times a refund gave points back to this lot: part of the expiry entry's key, so
    # points refunded into an expired lot expire again, once.
    restorations = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("points lot")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="lot_points_positive"),
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("points")),
                name="lot_remaining_within_points",
            ),
        ]
        indexes = [
            # oldest-first spending of a member's active lots
            models.Index(
                fields=["member", "earned_at", "id"],
                condition=Q(status="active"),
                name="lot_spendable_idx",
            ),
            models.Index(fields=["expires_at"], condition=Q(status="active"), name="lot_expiry_idx"),
            models.Index(fields=["clears_at"], condition=Q(status="pending"), name="lot_clearing_idx"),
        ]

    def __str__(self) -> str:
        return f"lot {self.pk}: {self.remaining}/{self.points} ({self.status})"
