from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RsvpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class Rsvp(models.Model):
    """A member's answer to one event: one row per (event, member), re-opened after a cancel.

    Written only by ``club/events/services`` under the event's row lock. ``waitlist_position``
    is the place in the queue: set (the event's highest position plus one) when the RSVP joins
    the waitlist, cleared when it is confirmed or cancelled; the lowest is promoted first.
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

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["event", "created_at", "id"]
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
        ]
        indexes = [
            # Counts per status under the lock, and the event's list in the admin.
            models.Index(fields=["event", "status"], name="rsvp_event_status_idx"),
            # A member's RSVPs (the dashboard's upcoming events).
            models.Index(fields=["member", "event"], name="rsvp_member_event_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.member_id}: {self.status}"
