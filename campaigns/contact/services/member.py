"""``contact_reserve_member``: one campaign for one member, now (a trigger, a service message).

The Redis gate answers first: when it refuses every channel the member is at a cap, and the
suppressions are written without running the cap SQL. Otherwise PostgreSQL decides exactly as
for a chunk (``reserve_chunk`` over the member alone) and the gate is settled to match.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from club.members.models import Member, MemberStatus

from .. import rules
from ..models import ContactPolicy, Delivery, Suppression, SuppressionReason
from . import gate
from .locks import contact_state_lock
from .reserve import CHANNEL_ORDER, RunSlice, SliceOutcome, reserve_chunk

R = SuppressionReason
WEEK = dt.timedelta(days=7)
PUSHED = ("email", "sms")


def channel_checks(*, run_slice: RunSlice, channel: str, policy: ContactPolicy,
                   weekly_limit: int | None) -> list[gate.Check]:
    """The windowed caps of one campaign's channel, in the order the SQL checks them."""
    campaign = run_slice.campaign
    checks = []
    if campaign.max_per_window and campaign.window_days:
        checks.append(gate.Check("cw", dt.timedelta(days=campaign.window_days), campaign.max_per_window,
                                 R.CAMPAIGN_CAP))
    if campaign.min_gap_hours:
        checks.append(gate.Check("cw", dt.timedelta(hours=campaign.min_gap_hours), 1, R.MIN_GAP))
    if campaign.transactional:
        return checks
    channel_max, channel_days = policy.channel_cap(channel)
    if channel_max:
        checks.append(gate.Check("ch", dt.timedelta(days=channel_days), channel_max, R.CHANNEL_CAP,
                                 gate.CHANNEL_LETTER[channel]))
    if channel in PUSHED and policy.fatigue_max:
        checks.append(gate.Check("fa", dt.timedelta(days=policy.fatigue_window_days), policy.fatigue_max,
                                 R.FATIGUE_CAP))
    if channel in PUSHED and weekly_limit is not None:
        checks.append(gate.Check("fa", WEEK, weekly_limit, R.MEMBER_LIMIT))
    return checks


def _needs_sql(member: Member, run_slice: RunSlice) -> bool:
    """A reason the SQL records before any cap (churned, held out, no consent): let it."""
    campaign = run_slice.campaign
    return (
        member.status == MemberStatus.CHURNED
        or rules.is_held_out(campaign.holdout_seed, member.pk, campaign.holdout_percent)
        or (not campaign.transactional and not member.consent_marketing)
        or not any(getattr(member, f"consent_{c}") for c in campaign.channels)
    )


def contact_reserve_member(*, run_slice: RunSlice, member_id: int, at: dt.datetime) -> SliceOutcome:
    campaign = run_slice.campaign
    channels = [c for c in CHANNEL_ORDER if c in campaign.channels]
    member = Member.objects.only(
        "status", "consent_marketing", "consent_email", "consent_sms", "consent_portal",
        "max_messages_per_week",
    ).get(pk=member_id)
    counts = (not campaign.transactional) or campaign.counts_toward_caps
    entries = {
        c: gate.delivery_entry(
            channel=c, counts=counts, campaign_id=campaign.pk, occurrence=run_slice.occurrence
        )
        for c in channels
    }
    answers: dict[str, gate.GateAnswer] = {}
    if not _needs_sql(member, run_slice):
        policy = ContactPolicy.load()
        for channel in channels:
            checks = channel_checks(run_slice=run_slice, channel=channel, policy=policy,
                                    weekly_limit=member.max_messages_per_week)
            answer = gate.gate_reserve(member_id=member_id, at=at, checks=checks, entries=[entries[channel]])
            if answer is None:
                answers = {}
                break
            answers[channel] = answer
    added = [c for c, a in answers.items() if a.added]
    if answers and not added:
        return _suppress_from_gate(run_slice, member_id, at, answers)
    try:
        outcome = reserve_chunk(slices=[run_slice], id_from=member_id, id_to=member_id + 1, at=at,
                                refresh_gate=False)[campaign.pk]
    except BaseException:
        gate.gate_release(member_id=member_id, entries=[entries[c] for c in added])
        raise
    delivered = set(Delivery.objects.filter(id__in=outcome.delivery_ids).values_list("channel", flat=True))
    transaction.on_commit(lambda: _settle(member_id, entries, added=set(added), delivered=delivered))
    return outcome


def _settle(member_id: int, entries: dict[str, str], *, added: set[str], delivered: set[str]) -> None:
    """Make the gate match what PostgreSQL decided."""
    gate.gate_release(member_id=member_id, entries=[entries[c] for c in added - delivered])
    if delivered - added:
        gate.gate_invalidate(member_ids=[member_id])


def _suppress_from_gate(run_slice: RunSlice, member_id: int, at: dt.datetime,
                        answers: dict[str, gate.GateAnswer]) -> SliceOutcome:
    campaign = run_slice.campaign
    created = []
    with transaction.atomic():
        contact_state_lock(member_id)
        for channel, answer in answers.items():
            key = {"campaign": campaign, "member_id": member_id, "occurrence": run_slice.occurrence,
                   "channel": channel}
            if Delivery.objects.filter(**key).exists() or Suppression.objects.filter(**key).exists():
                continue
            Suppression.objects.create(**key, reason=answer.refused_by.reason, at=at,
                                       detail="refused by the Redis gate")
            created.append(answer.refused_by.reason)
    return SliceOutcome(delivered=0, held_out=0, suppressed={created[0]: 1} if created else {})
