from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointsAccount(models.Model):
    """A member's balance, kept in step with the ledger inside the same transaction.

    ``available + pending`` always equals the sum of the member's ledger entries. Both columns
    move only through ``F()`` updates in the ledger services, and CHECK constraints keep them from
    ever going negative, whatever the Python code does.
    """

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, primary_key=True, related_name="points_account"
    )
    available = models.BigIntegerField(_("available points"), default=0)
    pending = models.BigIntegerField(_("pending points"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points account")
        constraints = [
            models.CheckConstraint(condition=Q(available__gte=0), name="points_available_not_negative"),
            models.CheckConstraint(condition=Q(pending__gte=0), name="points_pending_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.available} (+{self.pending} pending)"

    @property
    def balance(self) -> int:
        return self.available + self.pending
