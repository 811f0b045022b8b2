from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MemberTier(models.Model):
    """A member's current tier: one row per member, written only by ``tier_evaluate_members``.

    A row with no tier is a placeholder that the evaluation inserts (and fills in the same
    transaction) so that it can lock every member it evaluates, new ones included.
    """

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, primary_key=True, related_name="tier_state"
    )
    tier = models.ForeignKey("tiers.Tier", on_delete=models.PROTECT, null=True, related_name="+")
    since = models.DateField(_("in this tier since"), null=True)
    qualified_until = models.DateField(
        _("qualified until"), null=True,
        help_text=_("The end of the qualification period: when the member last qualified plus the period."),
    )
    downgrade_due = models.DateField(
        _("downgrade due"), null=True, blank=True,
        help_text=_("Set while the member no longer qualifies: qualified until plus the grace period."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member tier")
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__isnull=True, since__isnull=True, qualified_until__isnull=True)
                | Q(tier__isnull=False, since__isnull=False, qualified_until__isnull=False),
                name="membertier_complete_or_placeholder",
            ),
        ]
        indexes = [
            models.Index(fields=["tier", "member"], name="membertier_tier_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.tier_id}"


class TierChangeReason(models.TextChoices):
    INITIAL = "initial", _("Initial")
    UPGRADE = "upgrade", _("Upgrade")
    DOWNGRADE = "downgrade", _("Downgrade")


class TierChange(models.Model):
    """One change of a member's tier. Append-only: never updated, never deleted."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    from_tier = models.ForeignKey(
        "tiers.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("from"),
    )
    to_tier = models.ForeignKey(
        "tiers.Tier", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    on = models.DateField(_("on"))
    reason = models.CharField(_("reason"), max_length=10, choices=TierChangeReason.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tier change")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["member", "-on", "-id"], name="tierchange_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_tier_id} -> {self.to_tier_id} ({self.reason})"
