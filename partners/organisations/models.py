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
