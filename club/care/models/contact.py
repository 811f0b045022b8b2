"""The contact log: every call, visit and note staff record about a member."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    NOTE = "note", _("Note")


class ContactLogEntry(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"), db_index=False)
    staff_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    happened_at = models.DateTimeField(_("when"))
    summary = models.TextField(_("what was said or done"), max_length=4000)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        ordering = ["-happened_at", "-pk"]
        indexes = [
            models.Index(fields=["member", "-happened_at"], name="care_contact_member_idx"),
            models.Index(fields=["follow_up_on"], name="care_contact_follow_up_idx",
                         condition=models.Q(follow_up_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_at:%Y-%m-%d}"
