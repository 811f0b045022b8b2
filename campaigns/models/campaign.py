"""A campaign: who (audience), what (offer and messages), where (channels), when (schedule)
and how often (caps). A Wagtail snippet with drafts, revisions, locking, an approval workflow,
scheduled go-live and expiry, and a preview of what a member sees.

Counters that move while a campaign runs (budget spent, sends) live in other tables: publishing
a revision writes every column of this row from the revision, which would overwrite them.
"""

import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from club.audit.models import Audited

MONEY = {"max_digits": 18, "decimal_places": 2}


class Objective(models.TextChoices):
    RETAIN = "retain", _("Retain")
    UPSELL = "upsell", _("Upsell")
    WIN_BACK = "win_back", _("Win back")
    REWARD = "reward", _("Reward")
    INFORM = "inform", _("Inform")


class RelationshipTier(models.TextChoices):
    FINANCIAL = "financial", _("Financial")
    SOCIAL = "social", _("Social")
    STRUCTURAL = "structural", _("Structural")


class OfferKind(models.TextChoices):
    MESSAGE = "message", _("A message only")
    BONUS_POINTS = "bonus_points", _("Bonus points")
    DISCOUNT = "discount", _("Discount on the next bill")
    REWARD = "reward", _("A reward from the catalogue")
    CONTENT_PAGE = "content_page", _("A content page")
    EVENT = "event", _("An invitation to a club event")
    BUNDLE = "bundle", _("A bundle")
    SURVEY = "survey", _("A satisfaction survey")


class ScheduleKind(models.TextChoices):
    ONE_SHOT = "one_shot", _("Once, at a set time")
    RECURRING = "recurring", _("Recurring (cron-like)")
    TRIGGERED = "triggered", _("Triggered by a member's moment")


class Trigger(models.TextChoices):
    BIRTHDAY = "birthday", _("Birthday")
    ACTIVATION_ANNIVERSARY = "activation_anniversary", _("Activation anniversary")
    TIER_UP = "tier_up", _("Moved up a tier")
    TIER_DOWN = "tier_down", _("Moved down a tier")
    POINTS_EXPIRING = "points_expiring", _("Points about to expire")


def _holdout_seed() -> str:
    return secrets.token_hex(8)


class Campaign(
    Audited, WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, ClusterableModel
):
    name = models.CharField(_("name"), max_length=120)
    objective = models.CharField(_("objective"), max_length=10, choices=Objective.choices)
    relationship_tier = models.CharField(
        _("relationship tier"), max_length=10, choices=RelationshipTier.choices
    )
    audience = models.ForeignKey(
        "audiences.Audience", on_delete=models.PROTECT, related_name="campaigns",
        verbose_name=_("audience"),
    )

    # The offer
    offer_kind = models.CharField(
        _("offer"), max_length=12, choices=OfferKind.choices, default=OfferKind.MESSAGE
    )
    bonus_points = models.PositiveIntegerField(_("bonus points"), null=True, blank=True)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    reward = models.ForeignKey(
        "catalogue.Reward", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reward"),
    )
    content_page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("content page"),
    )
    event = models.ForeignKey(
        "events.EventPage", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("event"), help_text=_("Accepting the invitation books a place (or the waitlist)."),
    )
    bundle = models.ForeignKey(
        "bundles.BundleTemplate", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("bundle"),
        help_text=_("Accepting orders the bundle at the member's price; a discount (%) here comes on top."),
    )
    survey = models.ForeignKey(
        "care.Survey", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("survey"), help_text=_("Accepting opens the survey in the member's portal."),
    )
    offer_valid_days = models.PositiveSmallIntegerField(
        _("offer valid for (days)"), default=14, validators=[MinValueValidator(1)],
        help_text=_("How long a member can accept the offer after receiving it."),
    )

    # Channels
    send_portal = models.BooleanField(_("portal inbox"), default=True)
    send_email = models.BooleanField(_("email"), default=False)
    send_sms = models.BooleanField(_("SMS"), default=False)
    transactional = models.BooleanField(
        _("transactional"), default=False,
        help_text=_("Service messages (not marketing): exempt from the marketing caps."),
    )
    counts_toward_caps = models.BooleanField(
        _("still counts toward caps"), default=True,
        help_text=_("For an exempt (transactional) campaign: its messages still use up members' "
                    "marketing slots, so they are not followed by marketing straight away."),
    )

    # Schedule (go-live and expiry come from the draft-state mixin: go_live_at, expire_at)
    schedule_kind = models.CharField(
        _("schedule"), max_length=10, choices=ScheduleKind.choices, default=ScheduleKind.ONE_SHOT
    )
    send_at = models.DateTimeField(
        _("send at"), null=True, blank=True,
        help_text=_("One-shot campaigns: when to send. Empty: as soon as the campaign is live."),
    )
    cron = models.CharField(
        _("repeat (cron)"), max_length=64, blank=True,
        help_text=_("Recurring campaigns: minute hour day-of-month month day-of-week, in the "
                    "operator's time zone, e.g. '0 10 * * mon' for Mondays at 10:00."),
    )
    trigger = models.CharField(
        _("trigger"), max_length=24, choices=Trigger.choices, blank=True,
        help_text=_("Triggered campaigns: the member's moment that sends it (checked daily)."),
    )

    # Caps per campaign (the caps across campaigns live in the contact policy)
    max_per_window = models.PositiveSmallIntegerField(
        _("at most (per member)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Deliveries of this campaign to one member within the window."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    min_gap_hours = models.PositiveIntegerField(
        _("minimum gap between repeats (hours)"), null=True, blank=True,
        validators=[MinValueValidator(1)],
    )
    lifetime_max = models.PositiveSmallIntegerField(
        _("lifetime maximum (per member)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=50, validators=[MaxValueValidator(100)],
        help_text=_("0–100. When campaigns compete for a member's last free slot, the higher "
                    "priority takes it."),
    )
    budget = models.DecimalField(
        _("budget"), null=True, blank=True, validators=[MinValueValidator(Decimal(0))], **MONEY,
        help_text=_("In the operator's currency. Empty: no budget cap."),
    )
    cost_per_delivery = models.DecimalField(
        _("offer cost per delivery"), default=Decimal(0), validators=[MinValueValidator(Decimal(0))],
        **MONEY, help_text=_("What one delivered offer is expected to cost (on top of channel costs)."),
    )
    holdout_percent = models.DecimalField(
        _("holdout (%)"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(50))],
        help_text=_("A stable random share of the audience that is not contacted, to measure uplift."),
    )
    holdout_seed = models.CharField(max_length=16, default=_holdout_seed, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        ordering = ["-priority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(send_portal=True) | Q(send_email=True) | Q(send_sms=True),
                name="campaign_has_a_channel",
            ),
            models.CheckConstraint(
                condition=Q(max_per_window__isnull=True) | Q(window_days__isnull=False),
                name="campaign_window_cap_has_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("portal", self.send_portal), ("email", self.send_email),
                                      ("sms", self.send_sms)) if on]

    # What a member sees, per channel and language, in the admin's live preview.
    @property
    def preview_modes(self) -> list[tuple[str, str]]:
        from django.conf import settings

        channels = (("portal", _("Portal inbox")), ("email", _("Email")), ("sms", _("SMS")))
        return [(f"{channel}:{code}", f"{label} ({name})")
                for channel, label in channels for code, name in settings.LANGUAGES]

    @property
    def default_preview_mode(self) -> str:
        return f"{(self.channels or ['portal'])[0]}:en"

    def get_preview_template(self, request, mode_name):
        return "campaigns/preview.html"

    def get_preview_context(self, request, mode_name):
        from campaigns.offers.texts import offer_summary
        from campaigns.selectors import campaign_message_for

        channel, _sep, language = (mode_name or self.default_preview_mode).partition(":")
        context = super().get_preview_context(request, mode_name)
        context.update(
            channel=channel, language=language, channel_enabled=channel in self.channels,
            message=campaign_message_for(messages=list(self.messages.all()), language=language),
            offer=offer_summary(self),
        )
        return context

    def clean(self) -> None:
        super().clean()
        from campaigns.validation import campaign_errors

        errors = campaign_errors(self)
        if errors:
            raise ValidationError(errors)
