"""Complaints a member files in the portal and staff answer in the admin (docs/care.md).

DOMAIN.md: listen, apologise, solve on the spot, escalate when needed, and turn dissatisfaction
into satisfaction with a surprise (goodwill points through the ledger). Every complaint has two
deadlines from its category's SLA: the first response and the resolution.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ComplaintCategory(models.TextChoices):
    BILLING = "billing", _("Billing")
    NETWORK = "network", _("Network and coverage")
    DATA_SPEED = "data_speed", _("Data speed")
    CUSTOMER_SERVICE = "service", _("Customer service")
    DEVICE = "device", _("Device")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Statuses in which a complaint still waits for staff (and counts toward a member's limit).
PENDING_STATUSES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


class Complaint(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"), db_index=False)
    category = models.CharField(_("category"), max_length=12, choices=ComplaintCategory.choices)
    subject = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.OPEN)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("assigned to"))
    created_at = models.DateTimeField(_("filed at"))
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=4000)
    goodwill_points = models.PositiveIntegerField(_("goodwill points"), default=0)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="care_complaint_member_idx"),
            models.Index(fields=["resolution_due"], name="care_complaint_pending_idx",
                         condition=Q(status__in=["open", "in_progress"])),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES


class ComplaintUpdateKind(models.TextChoices):
    FILED = "filed", _("Filed")
    ASSIGNED = "assigned", _("Assigned")
    RESPONSE = "response", _("Response")
    RESOLVED = "resolved", _("Resolved")


class ComplaintUpdate(models.Model):
    """One step of a complaint's timeline (the member reads it on the complaint's page)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="updates",
                                  verbose_name=_("complaint"))
    kind = models.CharField(_("kind"), max_length=10, choices=ComplaintUpdateKind.choices)
    at = models.DateTimeField(_("when"))
    staff_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    message = models.TextField(_("message"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("complaint update")
        verbose_name_plural = _("complaint updates")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
