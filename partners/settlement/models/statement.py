"""A partner's monthly statement and its lines.

A statement is prepared as a draft (recomputed from the redemptions at every run), approved by
operator staff, then issued. Once issued it never changes: PostgreSQL refuses any UPDATE or
DELETE of an issued statement and any write to its lines (a trigger, migration 0002), and the
model layer below refuses the same on every database (SQLite has no trigger).

Amounts are signed, in the operator's currency: positive is owed by the partner to the
operator (funding, the operator's revenue share), negative is a credit to the partner (the
adjustments for reversals of earlier months' redemptions).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

ISSUED_STATEMENT_MESSAGE = _("An issued statement cannot be changed; corrections go into a later statement.")

MONEY = {"max_digits": 18, "decimal_places": 2}


class StatementImmutableError(ValidationError):
    """A write to an issued statement or its lines."""

    def __init__(self):
        super().__init__(ISSUED_STATEMENT_MESSAGE, code="statement_issued")


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")


class StatementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(state=StatementState.ISSUED).exists():
            raise StatementImmutableError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(state=StatementState.ISSUED).exists():
            raise StatementImmutableError()
        return super().delete()

    def issued(self):
        return self.filter(state=StatementState.ISSUED)


class Statement(models.Model):
    partner = models.ForeignKey(
        "partner_organisations.Partner", on_delete=models.PROTECT, related_name="statements",
        verbose_name=_("partner"),
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month the statement covers."))
    state = models.CharField(
        _("state"), max_length=10, choices=StatementState.choices, default=StatementState.DRAFT
    )
    number = models.CharField(_("number"), max_length=40, unique=True, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    redemptions = models.PositiveIntegerField(_("redemptions"), default=0)
    points_credited = models.PositiveBigIntegerField(_("points credited"), default=0)
    reversals = models.PositiveIntegerField(_("reversals of earlier months"), default=0)
    funding_total = models.DecimalField(_("funding"), default=0, **MONEY)
    revenue_share_total = models.DecimalField(_("revenue share"), default=0, **MONEY)
    adjustments_total = models.DecimalField(_("adjustments"), default=0, **MONEY)
    net_total = models.DecimalField(
        _("net amount"), default=0,
        help_text=_("Positive: the partner pays; negative: a credit to the partner."),
        **MONEY,
    )
    prepared_at = models.DateTimeField(_("prepared"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("issued by"),
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "partner_id"]
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        permissions = [("approve_statement", _("Can approve and issue settlement statements"))]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period"], name="settlement_one_statement_a_month"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="settlement_period_first_day"),
            models.CheckConstraint(
                condition=~models.Q(state="issued")
                | models.Q(number__isnull=False, issued_at__isnull=False, approved_at__isnull=False),
                name="settlement_issued_has_number_and_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.period:%Y-%m}"

    def save(self, *args, **kwargs):
        if self._stored_issued():
            raise StatementImmutableError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_issued():
            raise StatementImmutableError()
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.state == StatementState.ISSUED

    def _stored_issued(self) -> bool:
        return self.pk is not None and (
            Statement.objects.filter(pk=self.pk, state=StatementState.ISSUED).exists()
        )


class LineKind(models.TextChoices):
    REDEMPTION_FUNDING = "redemption_funding", _("Redemptions funded")
    POINTS_FUNDING = "points_funding", _("Bonus points funded")
    REVENUE_SHARE = "revenue_share", _("Revenue share")
    REDEMPTION_REVERSAL = "redemption_reversal", _("Adjustment: redemptions reversed")
    POINTS_REVERSAL = "points_reversal", _("Adjustment: bonus points reversed")


ADJUSTMENT_KINDS = frozenset({LineKind.REDEMPTION_REVERSAL, LineKind.POINTS_REVERSAL})


class StatementLineQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(statement__state=StatementState.ISSUED).exists():
            raise StatementImmutableError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(statement__state=StatementState.ISSUED).exists():
            raise StatementImmutableError()
        return super().delete()


class StatementLine(models.Model):
    """One co-promotion's figure of one kind. The co-promotion's title and the terms applied are
    copied in, so an issued statement reads the same whatever happens to the co-promotion."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=24, choices=LineKind.choices)
    copromotion_id = models.BigIntegerField(_("co-promotion id"))
    copromotion_title = models.CharField(_("co-promotion"), max_length=200)
    original_period = models.DateField(
        _("original month"), null=True, blank=True,
        help_text=_("Adjustments: the month whose redemptions were reversed."),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=2)
    unit_amount = models.DecimalField(_("rate"), max_digits=18, decimal_places=6)
    amount = models.DecimalField(_("amount"), **MONEY)

    objects = StatementLineQuerySet.as_manager()

    class Meta:
        ordering = ["statement_id", "position"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="settlement_line_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.copromotion_title}: {self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self._parent_issued():
            raise StatementImmutableError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._parent_issued():
            raise StatementImmutableError()
        return super().delete(*args, **kwargs)

    @property
    def is_adjustment(self) -> bool:
        return self.kind in ADJUSTMENT_KINDS

    def _parent_issued(self) -> bool:
        return Statement.objects.filter(pk=self.statement_id, state=StatementState.ISSUED).exists()
