"""Co-promotions: offers a partner brand proposes and funds, run by the operator as campaigns.

``CoPromotion`` holds the proposal (texts, benefit, budget, dates, suggested segments), its
review state and the settlement terms the operator sets at review (locked once approved).
``PromotionCode`` is its code pool (one code per member); ``PartnerRedemption`` is one row per
code the partner redeemed, the base of the live figures and of settlement. The budget's moving
counters live in ``CoPromotionBudget``'s slices, never in a row an admin form saves whole
(docs/partners.md, "Co-promotions").
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.audit.models import Audited

# VND: no minor unit. Every amount is a whole number of dong.
MONEY = {"max_digits": 18, "decimal_places": 0}
TEXT_LANGUAGES = ("en", "vi", "zh_hans", "ru")  # field suffixes; settings.LANGUAGES codes with "_"


class BenefitKind(models.TextChoices):
    VOUCHER = "voucher", _("Partner voucher")
    DISCOUNT = "discount", _("Discount at the partner")
    BONUS_POINTS = "bonus_points", _("Bonus points funded by the partner")


class CoPromotionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CoPromotionStatus(models.TextChoices):
    """What a partner and the admin see: the stored state, refined by the campaign and the dates."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved, not started")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


class CoPromotion(Audited, models.Model):
    partner = models.ForeignKey(
        "partner_organisations.Partner",
        on_delete=models.PROTECT,
        related_name="copromotions",
        verbose_name=_("partner"),
    )
    title = models.CharField(_("title"), max_length=120)
    offer_text_en = models.TextField(_("offer text (English)"), max_length=1000)
    offer_text_vi = models.TextField(_("offer text (Vietnamese)"), max_length=1000, blank=True)
    offer_text_zh_hans = models.TextField(_("offer text (Simplified Chinese)"), max_length=1000, blank=True)
    offer_text_ru = models.TextField(_("offer text (Russian)"), max_length=1000, blank=True)

    benefit_kind = models.CharField(_("what the member gets"), max_length=12, choices=BenefitKind.choices)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    discount_amount = models.DecimalField(
        _("discount amount"), null=True, blank=True, validators=[MinValueValidator(Decimal(1))], **MONEY
    )
    bonus_points = models.PositiveIntegerField(
        _("bonus points"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    budget = models.DecimalField(_("budget"), validators=[MinValueValidator(Decimal(1))], **MONEY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    suggested_segments = models.JSONField(_("suggested segments"), default=list, blank=True)

    state = models.CharField(
        _("state"), max_length=10, choices=CoPromotionState.choices, default=CoPromotionState.DRAFT
    )
    campaign = models.OneToOneField(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copromotion",
        verbose_name=_("campaign"),
    )

    # Settlement terms: set by the operator at review, shown to the partner, locked once approved.
    funding_per_redemption = models.DecimalField(
        _("funding per redemption"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("What the partner pays the operator for each redeemed code."),
        **MONEY,
    )
    price_per_point = models.DecimalField(
        _("price per point"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("What the partner pays for each bonus point credited to a member."),
        **MONEY,
    )
    revenue_share_percent = models.DecimalField(
        _("revenue share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("The operator's share of co-branded revenue, where agreed."),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("co-promotion")
        verbose_name_plural = _("co-promotions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "-created_at"], name="copromotion_partner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="copromotion_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(budget__gt=0), name="copromotion_budget_positive"),
            models.CheckConstraint(
                condition=~Q(benefit_kind="bonus_points") | Q(bonus_points__gt=0),
                name="copromotion_bonus_has_points",
            ),
            models.CheckConstraint(
                condition=~Q(benefit_kind="discount")
                | Q(discount_percent__isnull=False, discount_amount__isnull=True)
                | Q(discount_percent__isnull=True, discount_amount__isnull=False),
                name="copromotion_discount_percent_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft"]) | Q(campaign__isnull=False),
                name="copromotion_submitted_has_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.title}"

    def offer_text(self, language: str) -> str:
        """The text in ``language`` (a settings.LANGUAGES code), else English."""
        suffix = language.lower().replace("-", "_")
        return getattr(self, f"offer_text_{suffix}", "") or self.offer_text_en

    @property
    def terms_locked(self) -> bool:
        return self.state == CoPromotionState.APPROVED

    def status_on(self, today=None, *, campaign_live: bool | None = None) -> str:
        today = today or timezone.localdate()
        if self.state != CoPromotionState.APPROVED:
            return self.state
        if today > self.ends_on:
            return CoPromotionStatus.ENDED
        live = campaign_live if campaign_live is not None else bool(self.campaign and self.campaign.live)
        if today >= self.starts_on and live:
            return CoPromotionStatus.RUNNING
        return CoPromotionStatus.APPROVED

    @property
    def status(self) -> str:
        return self.status_on()


BUDGET_SLICES = 8  # rows a co-promotion's budget is spread over (services/budget.py)


def spread(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` (whole dong) in ``parts`` shares that differ by at most one dong, summing to it."""
    whole, odd = divmod(Decimal(total), parts)
    return [whole + (1 if i < odd else 0) for i in range(parts)]


class CoPromotionBudgetQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """``spent`` is the sum of the slices: setting it fills the slices in order
        (``budget_spent_set``, a repair or a test's set-up); the other fields update as usual."""
        spent = kwargs.pop("spent", None)
        count = super().update(**kwargs) if kwargs else None
        if spent is None:
            return count
        from .services.budget import budget_spent_set

        ids = list(self.values_list("pk", flat=True))
        for pk in ids:
            budget_spent_set(copromotion_id=pk, spent=spent)
        return len(ids) if count is None else count


class CoPromotionBudgetManager(models.Manager.from_queryset(CoPromotionBudgetQuerySet)):
    def get_queryset(self):
        spent = (
            CoPromotionBudgetSlice.objects.filter(account_id=OuterRef("pk"))
            .order_by()
            .values("account_id")
            .annotate(total=Sum("spent"))
            .values("total")
        )
        money = models.DecimalField(**MONEY)
        total = Coalesce(Subquery(spent, output_field=money), Value(Decimal(0)), output_field=money)
        return super().get_queryset().annotate(spent=total)


class CoPromotionBudget(models.Model):
    """The budget's total. What is spent lives in its ``BUDGET_SLICES`` slices
    (``CoPromotionBudgetSlice``), whose caps sum to ``budget``; ``spent`` (annotated by the
    manager) is their sum."""

    copromotion = models.OneToOneField(
        CoPromotion, on_delete=models.CASCADE, primary_key=True, related_name="budget_account"
    )
    budget = models.DecimalField(_("budget"), **MONEY)

    objects = CoPromotionBudgetManager()

    class Meta:
        verbose_name = _("co-promotion budget")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="copromotion_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{getattr(self, 'spent', '?')}/{self.budget}"


class CoPromotionBudgetSlice(models.Model):
    """One slice of a budget: ``spent`` moves only by conditional UPDATEs
    (``spent + cost <= cap``), and a CHECK keeps it within ``0 .. cap``. Consolidation moves
    caps between the slices (their sum stays the budget)."""

    account = models.ForeignKey(CoPromotionBudget, on_delete=models.CASCADE, related_name="slices")
    index = models.PositiveSmallIntegerField()
    cap = models.DecimalField(_("cap"), **MONEY)
    spent = models.DecimalField(_("spent"), default=Decimal(0), **MONEY)

    class Meta:
        verbose_name = _("co-promotion budget slice")
        constraints = [
            models.UniqueConstraint(fields=["account", "index"], name="copromotion_budget_slice_unique"),
            models.CheckConstraint(
                condition=Q(spent__gte=0) & Q(spent__lte=F("cap")), name="copromotion_budget_slice_within_cap"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.index}: {self.spent}/{self.cap}"


class CodeState(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ASSIGNED = "assigned", _("Given to a member")
    REDEEMED = "redeemed", _("Redeemed")


class PromotionCode(models.Model):
    """A code of a co-promotion's pool. ``partner`` is copied from the co-promotion so a code
    is unique per partner (what the partner types at the till names one code) and every lookup
    is scoped by it. ``member`` is whom the code was given to: never shown to the partner."""

    wagtail_reference_index_ignore = True

    copromotion = models.ForeignKey(CoPromotion, on_delete=models.CASCADE, related_name="codes")
    partner = models.ForeignKey("partner_organisations.Partner", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=64)
    state = models.CharField(_("state"), max_length=9, choices=CodeState.choices, default=CodeState.AVAILABLE)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("promotion code")
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="promotion_code_unique_per_partner"),
            models.UniqueConstraint(
                fields=["copromotion", "member"],
                condition=Q(member__isnull=False),
                name="promotion_code_one_per_member",
            ),
            models.CheckConstraint(
                condition=Q(state="available", member__isnull=True)
                | (~Q(state="available") & Q(member__isnull=False)),
                name="promotion_code_member_iff_given",
            ),
        ]
        indexes = [
            models.Index(fields=["copromotion", "state"], name="promotion_code_pool_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class PartnerRedemption(models.Model):
    """A partner redeemed a code: what it cost the partner (``amount``: the funding per
    redemption plus the bonus points at the price per point) and the points credited. A
    reversal sets ``reversed_at`` (the row stays: settlement reads both); a code has at most
    one redemption that is not reversed (a partial unique index)."""

    wagtail_reference_index_ignore = True

    copromotion = models.ForeignKey(CoPromotion, on_delete=models.PROTECT, related_name="redemptions")
    partner = models.ForeignKey("partner_organisations.Partner", on_delete=models.PROTECT, related_name="+")
    code = models.ForeignKey(PromotionCode, on_delete=models.PROTECT, related_name="redemptions")
    redeemed_at = models.DateTimeField(_("redeemed at"))
    points = models.PositiveIntegerField(_("points credited"), default=0)
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = models.CharField(_("partner's reference"), max_length=100, blank=True, default="")
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversal_reference = models.CharField(_("reversal reference"), max_length=100, blank=True, default="")
    budget_slice = models.PositiveSmallIntegerField(null=True, blank=True)  # the slice its cost came from

    class Meta:
        verbose_name = _("partner redemption")
        ordering = ["-redeemed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(reversed_at__isnull=True),
                name="partner_redemption_once_per_code",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="partner_redemption_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["partner", "redeemed_at"], name="partner_redemption_month_idx"),
            models.Index(fields=["copromotion", "redeemed_at"], name="partner_redemption_promo_idx"),
        ]

    def __str__(self) -> str:
        return f"redemption {self.pk} of {self.code_id}"
