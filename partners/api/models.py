"""API keys of partners and the stored answers of idempotent partner requests.

A key is ``tpk_<prefix>_<secret>``. The prefix is public (it names the key in the portal and
finds its row); only a keyed hash (HMAC-SHA256) of the whole key is stored, and the secret is
shown once, at creation (docs/partners.md, "Partner API").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.organisations.models import Partner


class Scope(models.TextChoices):
    CODES_VALIDATE = "codes:validate", _("Validate codes")
    CODES_REDEEM = "codes:redeem", _("Redeem codes")
    CODES_REVERSE = "codes:reverse", _("Reverse redemptions")
    PROMOTIONS_READ = "promotions:read", _("Read co-promotions and their figures")


DEFAULT_RATE_LIMIT_PER_MINUTE = 600


class ApiKeyState(models.TextChoices):
    ACTIVE = "active", _("Active")
    ROTATING = "rotating", _("Replaced")  # still accepted until its grace period ends
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ApiKey(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=DEFAULT_RATE_LIMIT_PER_MINUTE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("accepted until"), null=True, blank=True,
        help_text=_("Set when the key is rotated: the end of its grace period."),
    )
    rotated_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rotated_to",
        verbose_name=_("replaces"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def __str__(self) -> str:
        return f"{self.name} (tpk_{self.prefix}…)"

    def state(self, *, now=None) -> ApiKeyState:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return ApiKeyState.REVOKED
        if self.expires_at is not None:
            return ApiKeyState.ROTATING if self.expires_at > now else ApiKeyState.EXPIRED
        return ApiKeyState.ACTIVE

    @property
    def display_prefix(self) -> str:
        return f"tpk_{self.prefix}"


class IdempotentRequest(models.Model):
    """The answer given to one partner request with an ``Idempotency-Key``: a retry with the same
    key and the same request gets it again; the same key with another request is refused."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="partner_api_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.status_code}"
