"""The operator's API tokens: how the billing system authenticates (docs/operator-api.md)."""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "trk_"


class OperatorScope(models.TextChoices):
    EVENTS = "events", _("Send billing events")
    QUOTES = "quotes", _("Ask for discount quotes")
    OUTBOX = "outbox", _("Read and acknowledge the network outbox")


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class OperatorApiToken(models.Model):
    """A service token of the operator's billing system. Only its SHA-256 digest is stored."""

    name = models.CharField(_("name"), max_length=80)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("operator API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, name: str, scopes: list[str]) -> tuple["OperatorApiToken", str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, digest=token_digest(raw), hint=raw[:10], scopes=scopes)
        return token, raw
