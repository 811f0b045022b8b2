import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def ticket_token_new() -> str:
    """A ticket's token: 32 random bytes, URL-safe (43 characters). See docs/events.md, "Tickets"."""
    return secrets.token_urlsafe(32)


class RsvpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class Rsvp(models.Model):
    """A member's answer to one event: one row per (event, member), re-opened after a cancel.

    Written only by ``club/events/services`` under the event's row lock. ``waitlist_position``
    is the place in the queue: set (the event's highest position plus one) when the RSVP joins
    the waitlist, cleared when it is confirmed or cancelled; the lowest is promoted first.
    ``ticket_token`` is what the ticket's QR code holds; it admits only while the RSVP is
    confirmed. ``checked_in_at``/``checked_in_by``: the door scan (``rsvp_check_in``);
    ``reminder_sent_at``: the reminder was claimed for sending (``event_reminders_send``).
    """

    event = models.ForeignKey("events.EventPage", on_delete=models.CASCADE, related_name="rsvps",
                              verbose_name=_("event"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="event_rsvps",
                               verbose_name=_("member"))
    status = models.CharField(_("status"), max_length=10, choices=RsvpStatus.choices)
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    ticket_token = models.CharField(_("ticket token"), max_length=64, unique=True, default=ticket_token_new,
                                    editable=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("checked in by"),
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["event", "created_at", "id"]
        permissions = [("check_in_rsvp", _("Can check members in at club events"))]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="rsvp_one_per_member_and_event"),
            # The waitlist order: one RSVP per place in the queue; its index serves the FIFO pick.
            models.UniqueConstraint(fields=["event", "waitlist_position"], name="rsvp_waitlist_order"),
            models.CheckConstraint(
                condition=Q(status=RsvpStatus.WAITLISTED, waitlist_position__isnull=False)
                | (~Q(status=RsvpStatus.WAITLISTED) & Q(waitlist_position__isnull=True)),
                name="rsvp_position_only_when_waitlisted",
            ),
            models.CheckConstraint(
                condition=~Q(status=RsvpStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="rsvp_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=RsvpStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="rsvp_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RsvpStatus.values), name="rsvp_status_known",
            ),
            # Only a confirmed place is checked in, and a checked-in place is never given back.
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status=RsvpStatus.CONFIRMED),
                name="rsvp_checked_in_only_confirmed",
            ),
        ]
        indexes = [
            # Counts per status under the lock, and the event's list in the admin.
            models.Index(fields=["event", "status"], name="rsvp_event_status_idx"),
            # A member's RSVPs (the dashboard's upcoming events).
            models.Index(fields=["member", "event"], name="rsvp_member_event_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.member_id}: {self.status}"


class CalendarFeed(models.Model):
    """A member's secret calendar feed: whoever holds the URL with ``token`` reads the member's
    confirmed events. Revoking deletes the row; a new link is a new row with a new token."""

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="calendar_feed",
                                  verbose_name=_("member"))
    token = models.CharField(_("token"), max_length=64, unique=True, default=ticket_token_new,
                             editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self) -> str:
        return f"feed of {self.member_id}"
