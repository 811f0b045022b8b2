"""``deliveries_send``: hand reserved deliveries to their channel, after commit, by id.

A delivery is claimed first (``reserved`` → ``sending``, skipping rows another worker holds),
so two workers given the same ids send it once. Portal offers need no sending: they are in the
member's inbox (``sent``) and count as a contact when the member sees one
(``impressions_record``). A failure marks the row ``failed`` with the error; a failed row counts
toward no cap and gives its cost back to the budget, so its slot is free again. Deliveries in
the member's quiet hours (``send_after`` later than now) wait for ``deliveries_send_due``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q

from campaigns.models import Campaign, CampaignMessage
from campaigns.selectors import campaign_message_for
from club.members.sms import sms_send
from config.counters import counters_add, labels_of

from ..emails import campaign_email
from ..models import Delivery, DeliveryStatus
from . import budget, gate

logger = logging.getLogger(__name__)

# A claim older than this is a worker that died mid-send: the due sender takes the row again.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
# A row still reserved this long after its reservation lost its send task (the broker was
# down at the commit, say): the due sender sends it.
LOST_AFTER = dt.timedelta(minutes=10)
DUE_BATCH = 1000
DUE_SECONDS = 50  # a beat tick's share (every minute)


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    skipped: int  # not reserved any more, in quiet hours, or held by another worker


class _Batch:
    """The claimed deliveries with their members and messages, and what became of each."""

    def __init__(self, deliveries: list[Delivery]):
        self.deliveries = deliveries
        self.sent: list[int] = []
        self.failed: list[tuple[Delivery, str]] = []
        self.campaign_ids = {d.campaign_id for d in deliveries if d.campaign_id}
        self.messages: dict[int, list[CampaignMessage]] = defaultdict(list)
        for message in CampaignMessage.objects.filter(campaign_id__in=self.campaign_ids):
            self.messages[message.campaign_id].append(message)
        self._campaigns: dict[int, Campaign] | None = None
        self._email = None

    def campaign(self, delivery: Delivery) -> Campaign:
        """The delivery's campaign with what its offer line names (loaded once per batch)."""
        if self._campaigns is None:
            self._campaigns = (
                Campaign.objects.select_related("reward", "content_page", "survey").in_bulk(self.campaign_ids)
            )
        return self._campaigns[delivery.campaign_id]

    def message(self, delivery: Delivery) -> CampaignMessage:
        found = campaign_message_for(messages=self.messages.get(delivery.campaign_id, []),
                                     language=delivery.member.language)
        if found is None:
            raise ValueError("the campaign has no message")
        return found

    def email_connection(self):
        if self._email is None:
            self._email = get_connection(fail_silently=False)
            self._email.open()
        return self._email

    def close(self) -> None:
        if self._email is not None:
            self._email.close()


def _send_portal(batch: _Batch, delivery: Delivery) -> None:
    """Nothing to send: the offer is in the member's inbox."""


def _send_email(batch: _Batch, delivery: Delivery) -> None:
    user = delivery.member.user
    if user is None or not user.email:
        raise ValueError("the member has no email address")
    campaign_email(
        delivery=delivery, campaign=batch.campaign(delivery), message=batch.message(delivery),
        to=user.email, connection=batch.email_connection(),
    ).send()


def _send_sms(batch: _Batch, delivery: Delivery) -> None:
    message = batch.message(delivery)
    sms_send(to=delivery.member.msisdn, body=message.sms_text or message.title)


CHANNEL_SENDERS: dict[str, Callable[[_Batch, Delivery], None]] = {
    "portal": _send_portal,
    "email": _send_email,
    "sms": _send_sms,
}


def _claim(ids: Iterable[int], now: dt.datetime) -> list[int]:
    due = Q(send_after__isnull=True) | Q(send_after__lte=now)
    claimable = Q(status=DeliveryStatus.RESERVED) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(claimable, due, id__in=list(ids)).order_by("id").values_list("id", flat=True)
        )
        Delivery.objects.filter(id__in=claimed).update(status=DeliveryStatus.SENDING, claimed_at=now)
    return claimed


def deliveries_send(*, delivery_ids: Iterable[int], now: dt.datetime | None = None) -> SendReport:
    """Send the given deliveries that are due; call after the reserving transaction commits."""
    ids = list(dict.fromkeys(delivery_ids))
    now = now or dt.datetime.now(dt.UTC)
    claimed = _claim(ids, now)
    if not claimed:
        return SendReport(sent=0, failed=0, skipped=len(ids))
    rows = Delivery.objects.filter(id__in=claimed).select_related("member__user").order_by("id")
    batch = _Batch(list(rows))
    try:
        for delivery in batch.deliveries:
            try:
                CHANNEL_SENDERS[delivery.channel](batch, delivery)
            except Exception as exc:  # any failure of a channel is recorded on the delivery
                logger.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, exc)
                batch.failed.append((delivery, f"{type(exc).__name__}: {exc}"[:1000]))
            else:
                batch.sent.append(delivery.pk)
    finally:
        batch.close()
    Delivery.objects.filter(id__in=batch.sent, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=now
    )
    sent_ids = set(batch.sent)
    _count(d.channel for d in batch.deliveries if d.pk in sent_ids)(status="sent")
    deliveries_fail(failures=[(d.pk, error) for d, error in batch.failed], now=now)
    return SendReport(sent=len(batch.sent), failed=len(batch.failed), skipped=len(ids) - len(claimed))


def deliveries_fail(*, failures: list[tuple[int, str]], now: dt.datetime | None = None) -> int:
    """Mark deliveries failed (only those not already failed): they stop counting toward any
    cap, their cost goes back to the campaign's budget and the Redis gate forgets them."""
    if not failures:
        return 0
    now = now or dt.datetime.now(dt.UTC)
    errors = dict(failures)
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update().filter(id__in=list(errors))
            .exclude(status=DeliveryStatus.FAILED).order_by("id")
        )
        refunds: dict[int, Decimal] = defaultdict(Decimal)
        for delivery in rows:
            delivery.status, delivery.failed_at = DeliveryStatus.FAILED, now
            delivery.error = errors[delivery.pk]
            if delivery.campaign_id and delivery.cost:
                refunds[delivery.campaign_id] += delivery.cost
        Delivery.objects.bulk_update(rows, ["status", "failed_at", "error"])
        for campaign_id, amount in sorted(refunds.items()):
            budget.budget_refund(campaign_id=campaign_id, amount=amount)
        transaction.on_commit(lambda: gate.gate_forget(deliveries=rows))
        _count(d.channel for d in rows)(status="failed")
    return len(rows)


def _count(channels: Iterable[str]) -> Callable[..., None]:
    """``_count(channels)(status=...)``: the deliveries counter of /ops/metrics, after commit."""
    per_channel = Counter(channels)

    def add(*, status: str) -> None:
        increments = {("deliveries", labels_of(channel=c, status=status)): n for c, n in per_channel.items()}
        transaction.on_commit(lambda: counters_add(increments))

    return add


def deliveries_send_due(
    *, now: dt.datetime | None = None, limit: int = DUE_BATCH, seconds: float = DUE_SECONDS
) -> SendReport:
    """Send what waited for the end of quiet hours, what lost its send task, and what a dead
    worker left claimed: batches of ``limit``, until none is left or ``seconds`` have passed
    (the next beat tick goes on; at 08:00 a whole night's deferred messages fall due at once)."""
    now = now or dt.datetime.now(dt.UTC)
    waiting = (
        Q(status=DeliveryStatus.RESERVED, send_after__lte=now)
        | Q(status=DeliveryStatus.RESERVED, send_after__isnull=True, reserved_at__lt=now - LOST_AFTER)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    )
    started = time.monotonic()
    sent = failed = skipped = 0
    after = 0
    while True:
        ids = list(
            Delivery.objects.filter(waiting, id__gt=after).order_by("id").values_list("id", flat=True)[:limit]
        )
        if not ids:
            break
        report = deliveries_send(delivery_ids=ids, now=now)
        sent, failed, skipped = sent + report.sent, failed + report.failed, skipped + report.skipped
        after = ids[-1]
        if len(ids) < limit or time.monotonic() - started > seconds:
            break
    return SendReport(sent=sent, failed=failed, skipped=skipped)
