from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MembershipSource(models.TextChoices):
    EARNED = "earned", _("Earned by volume and tenure")
    PAID = "paid", _("Paid membership")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the first payment")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Payment overdue")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed")


# Stripe's subscription statuses and what each means for the club.
STRIPE_STATUS_MAP = {
    "incomplete": MembershipStatus.PENDING,
    "trialing": MembershipStatus.ACTIVE,
    "active": MembershipStatus.ACTIVE,
    "past_due": MembershipStatus.PAST_DUE,
    "unpaid": MembershipStatus.PAST_DUE,
    "paused": MembershipStatus.LAPSED,
    "canceled": MembershipStatus.CANCELLED,
    "incomplete_expired": MembershipStatus.CANCELLED,
}
# Statuses a subscription never leaves (Stripe does not revive them).
STRIPE_TERMINAL_STATUSES = frozenset({"canceled", "incomplete_expired"})
# Members with these statuses enjoy the club's privileges.
ENTITLED_STATUSES = frozenset({MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE})


class ClubMembership(models.Model):
    """A member's place in the club: one row per member, earned (by volume and tenure) or paid
    (a Stripe subscription).

    A paid membership changes only from verified Stripe events and from ``stripe_reconcile``,
    both through ``services/subscriptions.py`` under a lock of the member's row. ``stripe_*``
    mirror Stripe's subscription as last applied; ``stripe_state_at`` and
    ``stripe_period_end`` are the ordering marks that keep an older event from overwriting
    a newer state (docs/membership.md).
    """

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="club_membership",
                                  verbose_name=_("member"))
    source = models.CharField(_("source"), max_length=6, choices=MembershipSource.choices)
    status = models.CharField(_("status"), max_length=9, choices=MembershipStatus.choices)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    period_end = models.DateTimeField(_("current period ends"), null=True, blank=True)
    price = models.ForeignKey("membership.MembershipPrice", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="memberships", verbose_name=_("price"))
    stripe_customer_id = models.CharField(_("Stripe customer"), max_length=100, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(_("Stripe subscription"), max_length=100, blank=True)
    # When that subscription was created at Stripe: of two subscriptions of one member, the
    # newer live one is the membership (null: not known yet, treated as the newest).
    stripe_subscription_created = models.DateTimeField(_("subscription created"), null=True, blank=True)
    # While ``stripe_subscription_created`` is not known (the subscription came with a checkout
    # or an invoice before any state of it): the Stripe time of the earliest such event. The
    # subscription was created at or before it, so one created later is the newer.
    stripe_subscription_seen_at = models.DateTimeField(_("subscription first seen at"), null=True, blank=True)
    stripe_status = models.CharField(_("Stripe status"), max_length=20, blank=True)
    stripe_cancel_at_period_end = models.BooleanField(_("cancels at period end"), default=False)
    # When Stripe produced the state applied last (the event's ``created``, or the time a
    # reconcile read it); null until a subscription state has been applied.
    stripe_state_at = models.DateTimeField(_("Stripe state as of"), null=True, blank=True)
    payment_failed_at = models.DateTimeField(_("last payment failed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("club membership")
        verbose_name_plural = _("club memberships")
        ordering = ["-updated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_subscription_id"], condition=~Q(stripe_subscription_id=""),
                name="membership_one_row_per_subscription",
            ),
            models.CheckConstraint(
                condition=Q(source="earned") | ~Q(stripe_customer_id=""),
                name="membership_paid_has_customer",
            ),
        ]
        indexes = [models.Index(fields=["status", "source"], name="membership_status_idx")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.source} {self.status}"

    @property
    def is_entitled(self) -> bool:
        return self.status in ENTITLED_STATUSES
