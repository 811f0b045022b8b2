from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

SMS_MAX_LENGTH = 306  # two concatenated GSM-7 parts


class CampaignMessage(Orderable):
    """What the member reads, in one language. The member's language is used when present,
    the first message otherwise."""

    campaign = ParentalKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="messages")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(
        _("title"), max_length=120, help_text=_("The inbox card's title and the email subject.")
    )
    body = models.TextField(_("text"), help_text=_("The inbox card and the email."))
    sms_text = models.CharField(
        _("SMS text"), max_length=SMS_MAX_LENGTH, blank=True,
        help_text=_("Required when the campaign sends SMS."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("message")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="campaign_message_language_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"
