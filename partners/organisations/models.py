"""Partner brands and the people who act for them.

A partner is an outside organisation (a streaming service, a device retailer...). Its people
are ordinary ``accounts.User`` logins tied to it by a ``PartnerUser`` row with a role; they are
never staff and never see subscribers' personal data (docs/partners.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive partner's users and API keys are refused.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class PartnerRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")  # proposes co-promotions, manages users and API keys
    ANALYST = "analyst", _("Analyst")  # reads aggregates and statements


class PartnerUser(models.Model):
    """A login acting for one partner, with one role. One partner per login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_user",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="users", verbose_name=_("partner")
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.ANALYST
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner user")
        verbose_name_plural = _("partner users")

    def __str__(self) -> str:
        return f"{self.user} ({self.partner}, {self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == PartnerRole.ADMIN


class PartnerInvitation(models.Model):
    """An email invited to act for a partner with a role. The link's token is signed (see
    ``services/invitations.py``); the row says whether it is still open: not accepted, not
    revoked, not expired. Accepting it is a conditional update, so a link works once."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("partner")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices)
    language = models.CharField(
        _("language"), max_length=8, blank=True,
        help_text=_("The language the invitation email is written in."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner invitation")
        verbose_name_plural = _("partner invitations")
        constraints = [
            # One open invitation per address and partner: a new one revokes the old first.
            models.UniqueConstraint(
                fields=["partner", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="partner_invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="partner_invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.partner} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
