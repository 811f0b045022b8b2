from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VoucherState(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ASSIGNED = "assigned", _("Assigned")


class VoucherCode(models.Model):
    """One code of a reward's pool (partner vouchers, device vouchers, event tickets).

    A redemption takes one available code with ``FOR UPDATE SKIP LOCKED``, so concurrent
    redemptions never wait for each other nor get the same code; a cancellation releases it.
    """

    # Wagtail would otherwise re-index its references after every save (a task per row).
    wagtail_reference_index_ignore = True

    reward = models.ForeignKey("catalogue.Reward", on_delete=models.CASCADE, related_name="voucher_codes")
    code = models.CharField(_("code"), max_length=64)
    state = models.CharField(
        _("state"), max_length=9, choices=VoucherState.choices, default=VoucherState.AVAILABLE
    )
    redemption = models.OneToOneField(
        "catalogue.Redemption", on_delete=models.PROTECT, null=True, blank=True, related_name="voucher"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher code")
        constraints = [
            models.UniqueConstraint(fields=["reward", "code"], name="voucher_code_unique_per_reward"),
            models.CheckConstraint(
                condition=Q(state="available", redemption__isnull=True)
                | Q(state="assigned", redemption__isnull=False),
                name="voucher_assigned_iff_redemption",
            ),
        ]
        indexes = [
            models.Index(
                fields=["reward", "id"], condition=Q(state="available"), name="voucher_available_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.code
