from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import OfferKind


class OfferAcceptance(models.Model):
    """A member took a campaign's offer, once per delivery occurrence: what it gave them."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="acceptances")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    occurrence = models.CharField(max_length=40)
    accepted_at = models.DateTimeField(_("accepted at"))
    offer_kind = models.CharField(_("offer"), max_length=12, choices=OfferKind.choices)
    points = models.PositiveIntegerField(_("bonus points"), null=True, blank=True)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    valid_until = models.DateField(_("discount valid until"), null=True, blank=True)
    redemption = models.ForeignKey(
        "catalogue.Redemption", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rsvp = models.ForeignKey("events.Rsvp", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bundle_order = models.ForeignKey(
        "bundles.BundleOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("offer acceptance")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member", "occurrence"],
                                    name="offer_accepted_once_per_occurrence"),
            models.CheckConstraint(
                condition=~Q(offer_kind="discount") | (Q(discount_percent__isnull=False)
                                                       & Q(valid_until__isnull=False)),
                name="offer_discount_has_percent_and_end",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "valid_until"], condition=Q(offer_kind="discount"),
                         name="offer_discount_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.member_id}/{self.occurrence}"
