from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ConsentPurpose


class ConsentRecord(models.Model):
    """Append-only history of a member's consents: who changed what, when, through which face.
    The member's current consent is the boolean on ``Member``, written in the same transaction."""

    class Source(models.TextChoices):
        IMPORT = "import", _("Subscriber import")
        PORTAL = "portal", _("Member portal")
        STAFF = "staff", _("Staff")
        BILLING = "billing", _("Billing system")
        EMAIL_UNSUBSCRIBE = "email_unsubscribe", _("Unsubscribe link in an email")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=16, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    source = models.CharField(max_length=20, choices=Source.choices)
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["member", "purpose", "-recorded_at"], name="consent_hist_idx")]

    def __str__(self) -> str:
        verb = "granted" if self.granted else "withdrew"
        return f"{self.member_id} {verb} {self.purpose} at {self.recorded_at:%Y-%m-%d %H:%M}"
