"""Reads of contact: a member's recent contacts, inbox, and why a campaign did (not) reach them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.selectors import campaign_displays, campaign_message_for
from rewards.prepared import PreparedRead

from .models import Delivery, DeliveryStatus, Suppression

PUSHED = ("email", "sms")


def deliveries_waiting_count() -> int:
    """Deliveries reserved or claimed but not yet sent: a count over the partial
    index ``delivery_waiting`` (only waiting rows are in it), for ``/ops/metrics``."""
    return Delivery.objects.filter(status__in=[DeliveryStatus.RESERVED, DeliveryStatus.SENDING]).count()


def member_contacts_since(*, member_id: int, since: dt.datetime) -> int:
    """Emails and SMS that count toward caps, plus portal offers seen, after ``since`` (later
    ones too): what the fatigue cap and the member's weekly limit count."""
    return (
        Delivery.objects.filter(member_id=member_id, counts_toward_caps=True)
        .exclude(status=DeliveryStatus.FAILED)
        .filter(Q(channel__in=PUSHED, reserved_at__gt=since) | Q(viewed_at__gt=since))
        .count()
    )


@dataclass(frozen=True)
class InboxItem:
    delivery_id: int
    campaign_id: int
    title: str
    body: str
    received_at: dt.datetime
    valid_until: dt.datetime
    seen: bool
    occurrence: str = ""
    campaign: Campaign | None = None  # with what its offer points at (reward, page, event, bundle)


def _inbox_rows(*, member_id: int, now: dt.datetime):
    return (
        Delivery.objects.filter(
            member_id=member_id, channel="portal", status__in=[DeliveryStatus.SENT, DeliveryStatus.VIEWED],
            campaign__live=True,
        )
        .filter(Q(campaign__expire_at__isnull=True) | Q(campaign__expire_at__gt=now))
        .order_by("-campaign__priority", "-reserved_at", "-id")
        .values_list("id", "campaign_id", "reserved_at", "viewed_at", "occurrence",
                     "campaign__offer_valid_days")
    )


_INBOX = PreparedRead(_inbox_rows, samples=(
    {"member_id": 1, "now": dt.datetime(2001, 1, 1, tzinfo=dt.UTC)},
    {"member_id": 2, "now": dt.datetime(2002, 2, 2, tzinfo=dt.UTC)},
))


def member_inbox(*, member_id: int, language: str, now: dt.datetime | None = None) -> list[InboxItem]:
    """The member's portal offers still valid (within the campaign's ``offer_valid_days``, the
    campaign live and not expired), highest priority first, newest first. Showing them is
    ``impressions_record``'s business (the fatigue cap may hold some back). One query; the
    campaigns' texts and offers come from the cache (``campaign_displays``)."""
    now = now or timezone.now()
    until = [(*row[:5], row[2] + dt.timedelta(days=row[5])) for row in _INBOX(member_id=member_id, now=now)]
    valid = [row for row in until if row[5] > now]
    displays = campaign_displays(campaign_ids={row[1] for row in valid}) if valid else {}
    items = []
    for delivery_id, campaign_id, reserved_at, viewed_at, occurrence, valid_until in valid:
        display = displays.get(campaign_id)
        if display is None:  # the campaign went away since the query
            continue
        message = campaign_message_for(messages=display.messages, language=language)
        items.append(InboxItem(
            delivery_id=delivery_id, campaign_id=campaign_id,
            title=message.title if message else display.campaign.name,
            body=message.body if message else "", received_at=reserved_at, valid_until=valid_until,
            seen=viewed_at is not None, occurrence=occurrence, campaign=display.campaign,
        ))
    return items


@dataclass(frozen=True)
class ContactRecord:
    """One line of "why did member X (not) get campaign Y?"."""

    campaign_id: int | None
    campaign_name: str
    occurrence: str
    channel: str
    at: dt.datetime
    delivered: bool
    status: str  # a delivery's status, or the suppression's reason
    label: str  # human-readable status or reason
    detail: str


def member_contact_history(
    *, member_id: int, campaign_id: int | None = None, limit: int = 500
) -> list[ContactRecord]:
    """Every delivery and suppression of the member (of one campaign if given), newest first."""
    deliveries = Delivery.objects.filter(member_id=member_id).select_related("campaign")
    suppressions = Suppression.objects.filter(member_id=member_id).select_related("campaign")
    if campaign_id is not None:
        deliveries = deliveries.filter(campaign_id=campaign_id)
        suppressions = suppressions.filter(campaign_id=campaign_id)
    records = [
        ContactRecord(
            campaign_id=d.campaign_id, campaign_name=str(d.campaign) if d.campaign else d.topic,
            occurrence=d.occurrence, channel=d.channel, at=d.reserved_at, delivered=d.status != "failed",
            status=d.status, label=str(d.get_status_display()), detail=_delivery_detail(d),
        )
        for d in deliveries.order_by("-reserved_at")[:limit]
    ] + [
        ContactRecord(
            campaign_id=s.campaign_id, campaign_name=str(s.campaign) if s.campaign else s.topic,
            occurrence=s.occurrence, channel=s.channel, at=s.at, delivered=False, status=s.reason,
            label=str(s.get_reason_display()), detail=s.detail,
        )
        for s in suppressions.order_by("-at")[:limit]
    ]
    records.sort(key=lambda r: (r.at, r.delivered), reverse=True)
    return records[:limit]


def _delivery_detail(delivery: Delivery) -> str:
    parts = []
    if delivery.send_after:
        parts.append(f"quiet hours: sent after {timezone.localtime(delivery.send_after):%Y-%m-%d %H:%M}")
    if delivery.viewed_at:
        parts.append(f"seen {timezone.localtime(delivery.viewed_at):%Y-%m-%d %H:%M}")
    if delivery.error:
        parts.append(delivery.error)
    return "; ".join(parts)


def member_contact_counts(*, member_id: int) -> dict[str, int]:
    live = Delivery.objects.filter(member_id=member_id).exclude(status=DeliveryStatus.FAILED)
    return {"delivered": live.count(), "suppressed": Suppression.objects.filter(member_id=member_id).count()}


@dataclass(frozen=True)
class CapStatus:
    label: str
    used: int
    limit: int | None

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used >= self.limit


def member_cap_status(*, member_id: int, now: dt.datetime | None = None) -> list[CapStatus]:
    """Where the member stands against each cap across campaigns, now."""
    from club.members.models import Member

    from .models import ContactPolicy

    now = now or timezone.now()
    policy = ContactPolicy.load()
    weekly_limit = Member.objects.filter(pk=member_id).values_list("max_messages_per_week", flat=True).get()
    live = Delivery.objects.filter(member_id=member_id, counts_toward_caps=True, marketing=True).exclude(
        status=DeliveryStatus.FAILED
    )
    caps = []
    for channel, label in (("sms", _("SMS")), ("email", _("Emails")), ("portal", _("Portal offers"))):
        limit, days = policy.channel_cap(channel)
        used = live.filter(channel=channel, reserved_at__gt=now - dt.timedelta(days=days)).count()
        caps.append(CapStatus(_("%(what)s, last %(days)d days") % {"what": label, "days": days}, used, limit))
    days = policy.fatigue_window_days
    fatigue = member_contacts_since(member_id=member_id, since=now - dt.timedelta(days=days))
    caps.append(CapStatus(_("All channels (fatigue), last %(days)d days") % {"days": days}, fatigue,
                          policy.fatigue_max))
    week = member_contacts_since(member_id=member_id, since=now - dt.timedelta(days=7))
    caps.append(CapStatus(_("Member's own limit, last 7 days"), week, weekly_limit))
    return caps
