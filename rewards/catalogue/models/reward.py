from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin


class RewardKind(models.TextChoices):
    BILL_CREDIT = "bill_credit", _("Bill credit")
    DATA_PACK = "data_pack", _("Data pack")
    VOICE_MINUTES = "voice_minutes", _("Voice minutes")
    DEVICE_VOUCHER = "device_voucher", _("Device voucher")
    PARTNER_VOUCHER = "partner_voucher", _("Partner voucher")
    MERCHANDISE = "merchandise", _("Merchandise")
    EVENT_TICKET = "event_ticket", _("Event ticket")


# How each kind reaches the member (see services/fulfilment.py).
NETWORK_KINDS = frozenset({RewardKind.BILL_CREDIT, RewardKind.DATA_PACK, RewardKind.VOICE_MINUTES})
CODE_KINDS = frozenset({RewardKind.DEVICE_VOUCHER, RewardKind.PARTNER_VOUCHER, RewardKind.EVENT_TICKET})
SHIPPED_KINDS = frozenset({RewardKind.MERCHANDISE})


class LimitPeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class Reward(DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """Something members buy with points. A snippet: drafts, revisions, publish/unpublish.

    The stock counter is not here but in ``RewardStock``: publishing a revision writes every
    column of this row from the revision, which would overwrite a counter with a stale value.
    """

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RewardKind.choices)
    points_cost = models.PositiveIntegerField(_("points cost"))
    credit_amount = models.DecimalField(
        _("credit amount"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Bill credit only, in the operator's currency."),
    )
    data_mb = models.PositiveIntegerField(_("data (MB)"), null=True, blank=True)
    voice_minutes = models.PositiveIntegerField(_("voice minutes"), null=True, blank=True)
    limit_count = models.PositiveSmallIntegerField(
        _("redemptions per member"),
        null=True,
        blank=True,
        help_text=_("Empty: no per-member limit."),
    )
    limit_period = models.CharField(
        _("limit period"), max_length=8, choices=LimitPeriod.choices, blank=True, default=""
    )
    minimum_tier = models.ForeignKey(
        "tiers.Tier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minimum tier"),
        help_text=_("Only members in this tier or a higher one. Empty: everyone."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        _("cancellation window (hours)"),
        default=24,
        help_text=_("Members may cancel this long after redeeming. 0: no cancellation."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="reward")

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("points_cost"),
        MultiFieldPanel(
            [FieldPanel("credit_amount"), FieldPanel("data_mb"), FieldPanel("voice_minutes")],
            heading=_("Value (network rewards)"),
        ),
        FieldRowPanel([FieldPanel("limit_count"), FieldPanel("limit_period")], heading=_("Limit")),
        FieldPanel("minimum_tier"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")], heading=_("Validity")),
        FieldPanel("image"),
        FieldPanel("cancellation_window_hours"),
    ]

    class Meta:
        verbose_name = _("reward")
        ordering = ["points_cost", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(points_cost__gt=0), name="reward_points_cost_positive"),
            models.CheckConstraint(
                condition=Q(limit_count__isnull=True, limit_period="")
                | (Q(limit_count__gt=0) & ~Q(limit_period="")),
                name="reward_limit_count_and_period_together",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="reward_validity_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="bill_credit") | Q(credit_amount__gt=0),
                name="reward_bill_credit_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind="data_pack") | Q(data_mb__gt=0), name="reward_data_pack_has_mb"
            ),
            models.CheckConstraint(
                condition=~Q(kind="voice_minutes") | Q(voice_minutes__gt=0),
                name="reward_voice_has_minutes",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        from ..services.values import reward_value_errors

        errors = reward_value_errors(
            kind=self.kind,
            credit_amount=self.credit_amount,
            data_mb=self.data_mb,
            voice_minutes=self.voice_minutes,
            limit_count=self.limit_count,
            limit_period=self.limit_period,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )
        if errors:
            raise ValidationError(errors)


class RewardStock(models.Model):
    """How many of a limited reward are left. No row: unlimited.

    Moves only by deltas in SQL: ``remaining - 1 WHERE remaining > 0`` to redeem,
    ``remaining + 1`` on cancellation, ``remaining + n`` when staff add stock.
    """

    # Wagtail would otherwise re-index its references after every save (a task per row).
    wagtail_reference_index_ignore = True

    reward = models.OneToOneField(Reward, on_delete=models.CASCADE, primary_key=True, related_name="stock")
    remaining = models.PositiveIntegerField(_("remaining"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reward stock")
        verbose_name_plural = _("reward stock")
        constraints = [
            models.CheckConstraint(condition=Q(remaining__gte=0), name="reward_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.reward_id}: {self.remaining}"
