import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.audit.models import Audited

from .choices import ChurnReason, CustomerType, MemberStatus, PaymentPlan, Segment, TariffKind


class Interest(models.Model):
    """A topic a member cares about (football, gaming, travel...): drives events and content."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(Audited, models.Model):
    """The operator's subscriber (one line), whether or not it has a portal login.

    The billing system knows every subscriber; a portal ``User`` links to exactly one Member
    after proving it owns the line (see ``services.line_link``).
    """

    msisdn = models.CharField(_("MSISDN"), max_length=16, unique=True, help_text=_("E.164"))
    account_number = models.CharField(_("account number"), max_length=32, unique=True)
    customer_type = models.CharField(
        _("customer type"), max_length=16, choices=CustomerType.choices,
        default=CustomerType.INDIVIDUAL,
    )
    activation_date = models.DateField(_("activation date"))
    payment_plan = models.CharField(
        _("payment plan"), max_length=8, choices=PaymentPlan.choices, default=PaymentPlan.PREPAID
    )
    tariff_kind = models.CharField(
        _("tariff"), max_length=10, choices=TariffKind.choices, default=TariffKind.METERED
    )
    plan_name = models.CharField(_("plan"), max_length=80, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    churn_reason = models.CharField(
        _("churn reason"), max_length=24, choices=ChurnReason.choices, blank=True, default=""
    )
    segment = models.CharField(
        _("segment"), max_length=24, choices=Segment.choices, blank=True, default=""
    )
    # Current consents; every change is also written to ConsentRecord with its time stamp.
    consent_marketing = models.BooleanField(_("marketing consent"), default=False)
    consent_profiling = models.BooleanField(_("profiling consent"), default=False)
    consent_email = models.BooleanField(_("email consent"), default=False)
    consent_sms = models.BooleanField(_("SMS consent"), default=False)
    consent_portal = models.BooleanField(_("portal inbox consent"), default=True)
    # Communication preferences (the member's own limits).
    max_messages_per_week = models.PositiveSmallIntegerField(
        _("most marketing messages per week"), null=True, blank=True,
        help_text=_("Empty: only the operator's caps apply."),
    )
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, default=settings.TIME_ZONE)
    interests = models.ManyToManyField(Interest, blank=True, related_name="members")
    # What the billing system sends that has no column of its own (add-ons, demographics...).
    attributes = models.JSONField(_("other attributes"), default=dict, blank=True)
    # HMAC of a billing detail the subscriber knows from their bill; proves ownership when
    # linking by account number. Never the detail itself.
    billing_detail_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="member", verbose_name=_("portal account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_number"]
        # Erasing a member's personal data from the admin (docs/privacy.md): a right of its own,
        # not implied by changing members.
        permissions = [("erase_member", _("Can erase a member's personal data"))]
        indexes = [
            models.Index(fields=["customer_type", "status"], name="member_type_status_idx"),
            models.Index(fields=["activation_date"], name="member_activation_idx"),
            models.Index(fields=["segment"], name="member_segment_idx"),
            models.Index(fields=["region"], name="member_region_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(msisdn__regex=r"^\+[1-9][0-9]{6,14}$"), name="member_msisdn_e164"
            ),
            models.CheckConstraint(
                condition=Q(churn_reason="") | Q(status=MemberStatus.CHURNED),
                name="member_churn_reason_only_when_churned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_number} ({self.msisdn})"

    # The audit log names a member by id only and hides the values of changed fields, so that
    # erasing a member leaves no personal data in it (docs/audit.md).
    audit_hides_values = True

    def audit_label(self) -> str:
        return f"member #{self.pk}"

    @property
    def audit_member_id(self) -> int:
        return self.pk

    def tenure_days(self, on: dt.date | None = None) -> int:
        on = on or timezone.localdate()
        return max((on - self.activation_date).days, 0)

    def tenure_years(self, on: dt.date | None = None) -> int:
        on = on or timezone.localdate()
        years = on.year - self.activation_date.year
        if (on.month, on.day) < (self.activation_date.month, self.activation_date.day):
            years -= 1
        return max(years, 0)
