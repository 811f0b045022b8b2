from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..reasons import reason_text


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjusted by staff")
    REVERSE = "reverse", _("Reversed")
    GOODWILL = "goodwill", _("Goodwill")


class SourceType(models.TextChoices):
    BILLING_EVENT = "billing_event", _("Billing event")
    REDEMPTION = "redemption", _("Redemption")
    STAFF = "staff", _("Staff")
    CAMPAIGN = "campaign", _("Campaign")
    EVENT_ATTENDANCE = "attendance", _("Club event attendance")
    SYSTEM = "system", _("System")


class LedgerEntry(models.Model):
    """One movement of points. Append-only: never updated, never deleted.

    Corrections are new entries (``reverse``, ``adjust``). ``idempotency_key`` is unique, so the
    same input applied twice writes one entry.
    """

    # member-first lookups use entry_member_time_idx; a separate FK index would only slow inserts
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=8, choices=EntryKind.choices)
    points = models.BigIntegerField(_("points"), help_text=_("Positive credits, negative debits."))
    reason = models.CharField(_("reason"), max_length=255)
    # What the member reads instead of ``reason``, in their language (``rewards.ledger.reasons``):
    # a code of the registry and the values its message needs. Blank for free text (a staff
    # adjustment) and for entries written before codes existed: they show ``reason``. Defaults
    # in the database too, so raw SQL writers that do not name the columns still insert.
    reason_code = models.CharField(_("reason code"), max_length=32, blank=True, default="", db_default="")
    reason_values = models.JSONField(
        _("reason values"), blank=True, default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
    )
    source_type = models.CharField(max_length=16, choices=SourceType.choices)
    source_ref = models.CharField(_("source"), max_length=128, blank=True, default="")
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Unique through a constraint, not ``unique=True``: that would add a second, LIKE-pattern
    # index on PostgreSQL, which no query uses and every insert pays for.
    idempotency_key = models.CharField(max_length=160)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "-created_at", "-id"], name="entry_member_time_idx"),
            models.Index(fields=["source_type", "source_ref"], name="entry_source_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="entry_idempotency_key_unique"),
            models.CheckConstraint(condition=~Q(points=0), name="entry_points_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=["earn", "goodwill"], points__gt=0)
                | Q(kind__in=["redeem", "expire"], points__lt=0)
                | Q(kind__in=["adjust", "reverse"]),
                name="entry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjust") | Q(staff_user__isnull=False),
                name="entry_adjust_has_staff_user",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="entry_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d} ({self.reason})"

    @property
    def reason_text(self) -> str:
        """The reason in the active language; the stored English ``reason`` when no code applies."""
        return reason_text(self.reason_code, self.reason_values, self.reason)


class LotMovement(models.Model):
    """How a debit (or a restoring credit) took points from (or gave them back to) one lot."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="movements")
    lot = models.ForeignKey("ledger.PointLot", on_delete=models.PROTECT, related_name="movements")
    points = models.BigIntegerField(help_text=_("Negative when taken from the lot."))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="movement_points_not_zero"),
            models.UniqueConstraint(fields=["entry", "lot"], name="movement_entry_lot_unique"),
        ]

    def __str__(self) -> str:
        return f"entry {self.entry_id} lot {self.lot_id}: {self.points:+d}"
