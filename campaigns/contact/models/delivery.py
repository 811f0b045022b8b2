"""The record of every contact: a ``Delivery`` per (campaign, member, occurrence, channel) that
went out or is about to, a ``Suppression`` with its reason for every one that did not.

Rows are written set-based by ``services.reserve`` and never deleted by the engine; a failed
send keeps its row (status ``failed``), which then stops counting toward any cap.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from club.members.models.choices import Channel

MONEY = {"max_digits": 18, "decimal_places": 2}


class DeliveryStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved (waiting to be sent)")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    VIEWED = "viewed", _("Viewed in the portal")
    FAILED = "failed", _("Failed")


class SuppressionReason(models.TextChoices):
    """In the order they are checked: a suppression records the first that applies."""

    CHURNED = "churned", _("Member has churned")
    HOLDOUT = "holdout", _("Held out (control group)")
    NO_MARKETING_CONSENT = "no_marketing_consent", _("No marketing consent")
    LIFETIME_CAP = "lifetime_cap", _("Campaign's lifetime maximum reached")
    CAMPAIGN_CAP = "campaign_cap", _("Campaign's cap per window reached")
    MIN_GAP = "min_gap", _("Too soon after this campaign's last delivery")
    NO_CHANNEL_CONSENT = "no_channel_consent", _("No consent for this channel")
    NO_ADDRESS = "no_address", _("No address for this channel")
    CHANNEL_CAP = "channel_cap", _("Channel cap across campaigns reached")
    FATIGUE_CAP = "fatigue_cap", _("Fatigue cap across channels reached")
    MEMBER_LIMIT = "member_limit", _("Member's own weekly limit reached")
    BUDGET = "budget", _("Campaign budget spent")


class ContactKey(models.Model):
    """What a delivery and a suppression are about: (campaign or topic, member, occurrence,
    channel), unique in each table."""

    # No single-column indexes on the two keys: the unique (campaign, member, ...) and the
    # (member, ...) indexes lead with them. A lone campaign index was worse than useless: with
    # statistics taken before a send, PostgreSQL chose it for the per-member cap counts and read
    # all of the campaign's rows for every member (46 s a chunk at 100k members).
    # No database foreign keys either (``db_constraint=False``): their per-row triggers were
    # over half of a chunk's reservation. Rows are only written by INSERT ... SELECT from
    # members_member with a campaign read in the same transaction, and Django still applies
    # PROTECT and CASCADE on delete. See docs/fanout.md, "Why the contact log has no foreign keys".
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True, db_index=False,
        db_constraint=False,
        related_name="%(class)s_records", verbose_name=_("campaign"),
    )
    # System messages (no campaign) are keyed by a topic instead, e.g. "points_expiring".
    topic = models.CharField(_("topic"), max_length=40, blank=True, default="")
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, db_index=False, db_constraint=False,
        related_name="%(class)s_records",
        verbose_name=_("member"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    occurrence = models.CharField(_("occurrence"), max_length=40)

    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True

    @staticmethod
    def unique_constraints(prefix: str) -> list[models.UniqueConstraint]:
        return [
            models.UniqueConstraint(
                fields=["campaign", "member", "occurrence", "channel"], name=f"{prefix}_once"
            ),
            models.UniqueConstraint(
                fields=["topic", "member", "occurrence", "channel"], condition=Q(campaign__isnull=True),
                name=f"{prefix}_system_once",
            ),
        ]


class Delivery(ContactKey):
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.RESERVED
    )
    marketing = models.BooleanField(_("marketing"), default=True)
    counts_toward_caps = models.BooleanField(_("counts toward caps"), default=True)
    cost = models.DecimalField(_("cost"), default=Decimal(0), **MONEY)
    reserved_at = models.DateTimeField(_("reserved at"))
    send_after = models.DateTimeField(
        _("send after"), null=True, blank=True, help_text=_("End of the member's quiet hours.")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    viewed_at = models.DateTimeField(_("first viewed at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True, default="")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            *ContactKey.unique_constraints("delivery"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="delivery_cost_not_negative"),
        ]
        indexes = [
            # Window counts per member and channel: an index range per member, whatever the
            # number of older deliveries.
            models.Index(
                fields=["member", "channel", "reserved_at"], name="delivery_member_channel_time",
                include=["status", "counts_toward_caps"],
            ),
            # Portal impressions for the fatigue cap (only viewed rows are in it).
            models.Index(
                fields=["member", "viewed_at"], name="delivery_member_viewed",
                condition=Q(viewed_at__isnull=False),
            ),
            # Deferred (quiet hours), lost and unsent rows for the due sender.
            models.Index(
                fields=["send_after", "reserved_at"], name="delivery_waiting",
                condition=Q(status__in=["reserved", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id or self.topic} → {self.member_id} ({self.channel}, {self.occurrence})"


class Suppression(ContactKey):
    reason = models.CharField(_("reason"), max_length=24, choices=SuppressionReason.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("suppression")
        constraints = ContactKey.unique_constraints("suppression")
        indexes = [models.Index(fields=["member", "at"], name="suppression_member_time")]

    def __str__(self) -> str:
        return f"{self.campaign_id or self.topic} ✕ {self.member_id} ({self.channel}): {self.reason}"
