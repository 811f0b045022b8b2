from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BillingInterval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class MembershipPrice(models.Model):
    """A price of the paid club membership, as configured in Stripe (the price id) and shown in
    the portal (amount, currency, interval). Marketers edit it in the admin; only a ``live``
    price is offered. ``points_per_invoice`` is the membership credit: points for each paid
    invoice of a subscription on this price (the first one and every renewal)."""

    name = models.CharField(_("name"), max_length=80)
    stripe_price_id = models.CharField(
        _("Stripe price id"), max_length=100, unique=True,
        validators=[RegexValidator(r"^price_[A-Za-z0-9]+$", _("A Stripe price id starts with price_."))],
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0))])
    currency = models.CharField(_("currency"), max_length=3, default="VND",
                                help_text=_("ISO 4217 code, as in Stripe (VND, USD...)."))
    interval = models.CharField(_("billing interval"), max_length=5, choices=BillingInterval.choices,
                                default=BillingInterval.MONTH)
    points_per_invoice = models.PositiveIntegerField(
        _("points per paid invoice"), default=0,
        help_text=_("Credited once for every paid invoice of the subscription."))
    live = models.BooleanField(_("offered to members"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("membership price")
        verbose_name_plural = _("membership prices")
        ordering = ["sort_order", "amount", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="membership_price_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name
