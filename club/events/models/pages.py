"""The events' pages: an index (the upcoming events) under the home page, one page per event."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from club.members.selectors import member_for_user

from ..validation import (
    MAX_WINDOW_HOURS,
    cancel_deadline,
    default_time_zone,
    place_errors,
    rsvp_closes_at,
    schedule_errors,
    validate_time_zone,
    window_errors,
)

CHECK_IN_MAX_MINUTES = 7 * 24 * 60


class EventIndexPage(Page):
    """The club's events: lists the upcoming ones (``events/event_index_page.html``)."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.EventPage"]
    template = "events/event_index_page.html"

    class Meta:
        verbose_name = _("events index")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import event_upcoming

        context = super().get_context(request, *args, **kwargs)
        member = member_for_user(user=request.user)
        context["events"] = event_upcoming(
            member_id=member.pk if member else None, now=timezone.now(), limit=100, index=self
        )
        return context


class EventPage(Page):
    """One club event. Its published row is what RSVPs read (capacity, windows, minimum tier);
    drafts live in revisions until published. RSVPs are ``Rsvp`` rows, written only by the
    services in ``club/events/services``."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)
    interests = ParentalManyToManyField(
        "members.Interest", blank=True, related_name="events", verbose_name=_("interests"),
        help_text=_("What the event is about; members who share an interest may be invited."),
    )
    venue_name = models.CharField(_("venue"), max_length=120, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=255, blank=True)
    online_url = models.URLField(
        _("online link"), max_length=500, blank=True,
        help_text=_("For an online event (or a live stream of one at a venue)."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Ho_Chi_Minh. The page shows the times in this zone."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1)],
        help_text=_("Confirmed places; later RSVPs join the waitlist. Raising it and publishing "
                    "confirms the first waitlisted members."),
    )
    min_tier = models.ForeignKey(
        "tiers.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("minimum tier"),
        help_text=_("Only members in this tier or a higher one can RSVP. Empty: every active member."),
    )
    club_members_only = models.BooleanField(
        _("club members only"), default=False,
        help_text=_("Only members with a club membership (earned or paid) can RSVP."),
    )
    rsvp_closes_hours_before = models.PositiveSmallIntegerField(
        _("RSVP closes (hours before the start)"), default=2,
        validators=[MaxValueValidator(MAX_WINDOW_HOURS)],
    )
    cancel_deadline_hours_before = models.PositiveSmallIntegerField(
        _("cancellation deadline (hours before the start)"), default=24,
        validators=[MaxValueValidator(MAX_WINDOW_HOURS)],
        help_text=_("After it a confirmed member can no longer give the place back."),
    )
    check_in_opens_minutes_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"), default=120,
        validators=[MaxValueValidator(CHECK_IN_MAX_MINUTES)],
    )
    check_in_closes_minutes_after_end = models.PositiveSmallIntegerField(
        _("check-in closes (minutes after the end)"), default=0,
        validators=[MaxValueValidator(CHECK_IN_MAX_MINUTES)],
    )
    attendance_points = models.PositiveIntegerField(
        _("attendance points"), default=0,
        help_text=_("Points credited to a member checked in at the door. 0: none."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]), FieldPanel("time_zone")],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("venue_name"), FieldPanel("venue_address")]),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("min_tier")]),
                FieldPanel("club_members_only"),
                FieldRowPanel([FieldPanel("rsvp_closes_hours_before"),
                               FieldPanel("cancel_deadline_hours_before")]),
            ],
            heading=_("RSVP"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("check_in_opens_minutes_before"),
                               FieldPanel("check_in_closes_minutes_after_end")]),
                FieldPanel("attendance_points"),
            ],
            heading=_("At the door"),
        ),
        FieldPanel("interests", widget=forms.CheckboxSelectMultiple),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    template = "events/event_page.html"

    class Meta:
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="eventpage_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="eventpage_capacity_positive"),
            models.CheckConstraint(
                condition=~Q(online_url="") | (~Q(venue_name="") & ~Q(venue_address="")),
                name="eventpage_venue_or_online",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="eventpage_starts_idx")]

    def clean(self):
        super().clean()
        errors = {
            **schedule_errors(starts_at=self.starts_at, ends_at=self.ends_at),
            **place_errors(venue_name=self.venue_name, venue_address=self.venue_address,
                           online_url=self.online_url),
            **window_errors(rsvp_closes_hours_before=self.rsvp_closes_hours_before,
                            cancel_deadline_hours_before=self.cancel_deadline_hours_before),
        }
        if self.pk and self.capacity and "capacity" not in errors:
            from .rsvp import Rsvp, RsvpStatus

            confirmed = Rsvp.objects.filter(event_id=self.pk, status=RsvpStatus.CONFIRMED).count()
            if self.capacity < confirmed:
                errors["capacity"] = _(
                    "%(confirmed)d members are already confirmed: give at least %(confirmed)d places."
                ) % {"confirmed": confirmed}
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def rsvp_closes_at(self):
        return rsvp_closes_at(starts_at=self.starts_at, hours_before=self.rsvp_closes_hours_before)

    @property
    def cancel_deadline(self):
        return cancel_deadline(starts_at=self.starts_at, hours_before=self.cancel_deadline_hours_before)

    @property
    def check_in_opens_at(self):
        return self.starts_at - dt.timedelta(minutes=self.check_in_opens_minutes_before)

    @property
    def check_in_closes_at(self):
        return self.ends_at + dt.timedelta(minutes=self.check_in_closes_minutes_after_end)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import event_rsvp_panel

        context = super().get_context(request, *args, **kwargs)
        member = member_for_user(user=request.user)
        context["panel"] = event_rsvp_panel(
            event=self, member_id=member.pk if member else None, now=timezone.now()
        )
        return context
