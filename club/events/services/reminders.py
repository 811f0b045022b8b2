"""Reminders before an event: one email per confirmed member, at most once.

``event_reminders_claim`` runs from Celery beat (``events.reminders_send``, every 15 minutes).
It picks confirmed RSVPs of published events starting within the window (``EVENTS_REMINDER_HOURS``,
default 24) that have no ``reminder_sent_at`` yet and whose member has a portal login with an
email address, in batches: each batch is one transaction that locks its rows (``SKIP LOCKED``, so
two runs never take the same row) and marks them with a conditional ``UPDATE ... WHERE
reminder_sent_at IS NULL``. The emails go out after that commit (``event_reminders_email``, by
id), so a rolled-back claim sends nothing, and a claimed RSVP is never claimed again: a second
run, a retried task or a concurrent beat finds it marked. The price is at most once: a worker
that dies between the commit and the send loses that batch's reminders (they are a courtesy;
the member's page and calendar still hold the event).

Reminders are transactional: marketing consent and the channel consent do not apply, only
an address to send to. They are written in the member's language (``Member.language``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Rsvp, RsvpStatus

logger = logging.getLogger(__name__)
CLAIM_BATCH = 500
TEXT_TEMPLATE = "events/email/reminder.txt"


def reminder_window() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "EVENTS_REMINDER_HOURS", 24))


def event_reminders_claim(
    *, now: dt.datetime | None = None, window: dt.timedelta | None = None, batch: int = CLAIM_BATCH
) -> list[list[int]]:
    """Mark the due reminders as sent, batch by batch (one transaction each), and return the
    RSVP ids of each batch for sending after the commit."""
    now = now or timezone.now()
    window = window or reminder_window()
    batches: list[list[int]] = []
    while True:
        with transaction.atomic():
            due = (Rsvp.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(status=RsvpStatus.CONFIRMED, reminder_sent_at__isnull=True, event__live=True,
                           event__starts_at__gt=now, event__starts_at__lte=now + window,
                           member__user__isnull=False)
                   .exclude(member__user__email="")
                   .order_by("pk").values_list("pk", flat=True)[:batch])
            ids = list(due)
            if ids:
                marked = Rsvp.objects.filter(pk__in=ids, reminder_sent_at__isnull=True,
                                             status=RsvpStatus.CONFIRMED)
                marked.update(reminder_sent_at=now)
        if not ids:
            return batches
        batches.append(ids)
        if len(ids) < batch:
            return batches


def event_reminders_email(*, rsvp_ids: list[int]) -> int:
    """Send the reminders of these claimed RSVPs (one SMTP connection); one that was cancelled
    since is skipped. Returns how many were sent."""
    rsvps = (Rsvp.objects.filter(pk__in=rsvp_ids, status=RsvpStatus.CONFIRMED, reminder_sent_at__isnull=False)
             .select_related("event", "member", "member__user"))
    sent = 0
    with get_connection() as connection:
        for rsvp in rsvps:
            address = rsvp.member.user.email if rsvp.member.user else ""
            if not address:
                continue
            try:
                reminder_email(rsvp=rsvp, to=address, connection=connection).send()
            except Exception:  # one bad address must not stop the others
                logger.exception("event reminder %s not sent", rsvp.pk)
                continue
            sent += 1
    return sent


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def reminder_email(*, rsvp: Rsvp, to: str, connection=None) -> EmailMultiAlternatives:
    """One member's reminder, in their language, ready to ``send()``."""
    event, member = rsvp.event, rsvp.member
    with translation.override(member.language or settings.LANGUAGE_CODE):
        context = {
            "operator_name": settings.OPERATOR_NAME, "event": event,
            "event_url": _absolute(event.url or "/"),
            "ticket_url": _absolute(reverse("portal:event_ticket", args=[event.pk])),
            "ics_url": _absolute(reverse("portal:event_ics", args=[event.pk])),
        }
        text = render_to_string(TEXT_TEMPLATE, context)
        subject = _("Reminder: %(event)s") % {"event": event.title}
    return EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                                  connection=connection)
