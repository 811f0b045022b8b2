"""The r19 soak's end checks: every invariant of DESIGN.md over what the soak left in
PostgreSQL, in the SMS file and in the workers' logs. Each returns the broken invariants as
readable lines (empty: it holds)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum

from campaigns.contact.models import CampaignBudget, Delivery, DeliveryStatus
from campaigns.models import Campaign
from campaigns.sends.models import Run, RunStatus
from club.events.models import Rsvp, RsvpStatus
from club.membership.models import ClubMembership, InboxOutcome, StripeEventInbox
from club.profiles.models import MemberProfile
from partners.api.models import IdempotentRequest
from partners.copromotions.models import CoPromotionBudget, PartnerRedemption
from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, EventState, QuarantinedEvent
from rewards.catalogue.models import NetworkOutbox, Redemption, RewardStock
from rewards.ledger.models import EntryKind, LedgerEntry, LotStatus, PointLot, PointsAccount

from .soak_support import BillingLedgerOfStream

CAMPAIGN_IN_SMS = re.compile(r"(soak-[a-z0-9-]+)")


def money_exact(billing: BillingLedgerOfStream, copromotion_cost: Decimal, sms_cost: Decimal) -> list[str]:
    out = []
    spend = MonthlyActivity.objects.aggregate(s=Sum("spend"))["s"] or Decimal(0)
    if spend != billing.spend():
        out.append(f"money: monthly spend {spend} != {billing.spend()} of the unique, unreversed events")
    for budget in CoPromotionBudget.objects.all():
        live = PartnerRedemption.objects.filter(copromotion_id=budget.pk, reversed_at__isnull=True)
        owed = live.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if budget.spent != owed or owed != copromotion_cost * live.count():
            out.append(f"money: co-promotion {budget.pk} spent {budget.spent}, redemptions {owed}")
    for row in CampaignBudget.objects.all():
        sms = (
            Delivery.objects.filter(campaign_id=row.campaign_id, channel="sms")
            .exclude(status=DeliveryStatus.FAILED)
            .count()
        )
        if row.spent != sms_cost * sms or row.spent.as_tuple().exponent < -2:
            out.append(f"money: campaign {row.campaign_id} spent {row.spent} for {sms} SMS of {sms_cost}")
    return out


def ledger_sound(snapshot: dict[int, tuple]) -> list[str]:
    out = []
    sums = dict(
        LedgerEntry.objects.values("member_id").annotate(s=Sum("points")).values_list("member_id", "s")
    )
    accounts = {
        m: (a, p) for m, a, p in PointsAccount.objects.values_list("member_id", "available", "pending")
    }
    wrong = [m for m in sums.keys() | accounts.keys() if sums.get(m, 0) != sum(accounts.get(m, (0, 0)))]
    if wrong:
        out.append(f"ledger: {len(wrong)} balances != the sum of their ledger (e.g. member {wrong[0]})")
    if PointsAccount.objects.filter(Q(available__lt=0) | Q(pending__lt=0)).exists():
        out.append("ledger: a negative balance")
    held = dict(
        PointLot.objects.filter(status__in=[LotStatus.PENDING, LotStatus.ACTIVE])
        .values("member_id")
        .annotate(s=Sum("remaining"))
        .values_list("member_id", "s")
    )
    lots_off = [m for m, (a, p) in accounts.items() if held.get(m, 0) != a + p]
    if lots_off:
        out.append(f"ledger: {len(lots_off)} members' live lots != their balance (e.g. member {lots_off[0]})")
    if PointLot.objects.filter(Q(remaining__lt=0) | Q(remaining__gt=F("points"))).exists():
        out.append("ledger: a lot outside 0 <= remaining <= points")
    now = {
        row[0]: row[1:]
        for row in LedgerEntry.objects.filter(pk__in=list(snapshot)).values_list(
            "pk", "member_id", "points", "idempotency_key", "kind"
        )
    }
    if not snapshot:
        out.append("ledger: no mid-soak snapshot of the ledger was taken (append-only unchecked)")
    changed = [pk for pk, row in snapshot.items() if now.get(pk) != row]
    if changed:
        out.append(f"ledger: {len(changed)} entries seen mid-soak were changed or deleted (append-only)")
    return out


def billing_idempotent(billing: BillingLedgerOfStream) -> list[str]:
    out = []
    earned = defaultdict(list)
    for ref, points in LedgerEntry.objects.filter(
        source_type="billing_event", kind=EntryKind.EARN
    ).values_list("source_ref", "points"):
        earned[ref].append(points)
    twice = [ref for ref, entries in earned.items() if len(entries) > 1]
    if twice:
        out.append(f"idempotency: {len(twice)} billing events credited twice (e.g. {twice[0]})")
    wrong = [
        i
        for i, e in billing.originals.items()
        if i not in billing.reversed_ids and billing.points(e) and earned.get(i) != [billing.points(e)]
    ]
    if wrong:
        e = billing.originals[wrong[0]]
        out.append(
            f"idempotency: {len(wrong)} billing events not credited exactly once with the rule's points "
            f"(e.g. {wrong[0]}: {earned.get(wrong[0])} for {billing.points(e)})"
        )
    stored = Counter(BillingEvent.objects.values_list("event_id", flat=True))
    if any(n > 1 for n in stored.values()):
        out.append("idempotency: a billing event stored twice")
    missing = set(billing.originals) - set(stored)
    if missing:
        out.append(f"idempotency: {len(missing)} valid billing events not stored (e.g. {sorted(missing)[0]})")
    reversed_ids = set(
        BillingEvent.objects.filter(state=EventState.REVERSED).values_list("event_id", flat=True)
    )
    if reversed_ids != billing.reversed_ids:
        out.append(
            f"idempotency: reversed events {len(reversed_ids)} != the {len(billing.reversed_ids)} sent"
        )
    quarantined = dict(QuarantinedEvent.objects.values_list("event_id", "reason"))
    if quarantined != billing.malformed:
        out.append(
            f"bad input: quarantine {len(quarantined)} events != the {len(billing.malformed)} malformed "
            f"sent with their reasons"
        )
    if LedgerEntry.objects.filter(source_ref__in=list(billing.malformed)).exists():
        out.append("bad input: a malformed billing event has a ledger entry")
    if BillingEvent.objects.filter(event_id__startswith="toolarge-").exists():
        out.append("bad input: an event of a refused (too large) batch was stored")
    return out


def profiles_follow_billing() -> list[str]:
    """Every member with stored billing events has a profile refreshed after the last of them
    arrived: no refresh that a batch asked for was lost to a killed drain or a restarted Redis."""
    last_received = dict(
        BillingEvent.objects.values_list("member_id").annotate(last=Max("received_at")).order_by()
    )
    profiles = MemberProfile.objects.filter(member_id__in=list(last_received))
    refreshed = dict(profiles.values_list("member_id", "refreshed_at"))
    behind = [pk for pk, last in last_received.items() if pk not in refreshed or refreshed[pk] < last]
    if not last_received:
        return ["profiles: no billing event stored, nothing to check"]
    if behind:
        return [f"profiles: {len(behind)} of {len(last_received)} members with billing events have no "
                f"profile refreshed since their last batch (e.g. member {behind[0]})"]
    return []


def stripe_idempotent(
    stories: dict[int, list[dict]], fake_stripe, attack_ids: set[str], delivered: set[str],
    points_per_invoice: int,
) -> list[str]:
    """Every story delivered whole (the drain sends the rest), every event applied once by the
    workers' drains (none pending, none given up), memberships equal to Stripe's final state,
    and each paid invoice credited once with the price's points."""
    out = []
    incomplete = [m for m, story in stories.items() if not {e["id"] for e in story} <= delivered]
    if incomplete:
        out.append(f"stripe: {len(incomplete)} members' stories not delivered whole (e.g. {incomplete[0]})")
    memberships = {m.member_id: m for m in ClubMembership.objects.all()}
    mismatches = []
    for member_id, story in stories.items():
        subscription_id = [e for e in story if e["type"].startswith("customer.subscription.")][-1]["data"][
            "object"
        ]["id"]
        subscription = fake_stripe.subscriptions[subscription_id]
        membership = memberships.get(member_id)
        item = subscription["items"]["data"][0]
        held = membership and (
            membership.stripe_subscription_id,
            membership.stripe_status,
            int(membership.period_end.timestamp()),
            membership.stripe_cancel_at_period_end,
        )
        if held != (
            subscription["id"],
            subscription["status"],
            item["current_period_end"],
            subscription["cancel_at_period_end"],
        ):
            mismatches.append(member_id)
    if mismatches:
        out.append(f"idempotency: {len(mismatches)} memberships differ from Stripe's final state")
    paid = {
        e["data"]["object"]["id"]
        for story in stories.values()
        for e in story
        if e["id"] in delivered and e["type"] == "invoice.paid"
    }
    credits = defaultdict(list)
    for ref, points in LedgerEntry.objects.filter(
        idempotency_key__startswith="membership:invoice:"
    ).values_list("source_ref", "points"):
        credits[ref].append(points)
    wrong = sorted(ref for ref in paid | set(credits) if credits.get(ref) != [points_per_invoice])
    if wrong:
        out.append(
            f"idempotency: {len(wrong)} paid invoices not credited exactly once with "
            f"{points_per_invoice} points (e.g. {wrong[0]}: {credits.get(wrong[0])})"
        )
    inbox = StripeEventInbox.objects.count()
    if inbox != len(delivered):
        out.append(f"idempotency: {inbox} Stripe inbox rows for {len(delivered)} distinct events delivered")
    pending = StripeEventInbox.objects.filter(processed_at__isnull=True).count()
    given_up = StripeEventInbox.objects.filter(outcome=InboxOutcome.FAILED).count()
    if pending or given_up:
        out.append(f"stripe: {pending} inbox events still pending, {given_up} given up after the drain")
    if StripeEventInbox.objects.filter(event_id__in=attack_ids).exists():
        out.append("bad input: a forged or stale Stripe event was stored")
    return out


def redemptions_sound(stocks: dict[int, int], redeem_answers: dict[str, set]) -> list[str]:
    out = []
    live = dict(
        Redemption.objects.exclude(state="cancelled")
        .values("reward_id")
        .annotate(n=Count("id"))
        .values_list("reward_id", "n")
    )
    for reward_id, stock in stocks.items():
        remaining = RewardStock.objects.get(reward_id=reward_id).remaining
        if live.get(reward_id, 0) > stock or remaining != stock - live.get(reward_id, 0) or remaining < 0:
            out.append(
                f"caps: reward {reward_id} stock {stock}, {live.get(reward_id, 0)} redeemed, "
                f"{remaining} remaining"
            )
    split = [key for key, ids in redeem_answers.items() if len(ids) > 1]
    if split:
        out.append(f"idempotency: {len(split)} redemption keys answered with different redemptions")
    outbox = NetworkOutbox.objects.count()
    if outbox != Redemption.objects.count():
        out.append(f"side effects: {outbox} network outbox rows for {Redemption.objects.count()} redemptions")
    return out


def partner_sound(partner_answers: dict[str, set], other_partner_id: int) -> list[str]:
    out = []
    per_code = Counter(
        PartnerRedemption.objects.filter(reversed_at__isnull=True).values_list("code_id", flat=True)
    )
    if any(n > 1 for n in per_code.values()):
        out.append("idempotency: a partner code redeemed twice")
    for budget in CoPromotionBudget.objects.all():
        if budget.spent > budget.budget:
            out.append(f"caps: co-promotion {budget.pk} spent {budget.spent} over its budget {budget.budget}")
    credits = LedgerEntry.objects.filter(source_ref__startswith="copromotion_redemption:").count()
    if credits != PartnerRedemption.objects.count():
        out.append(
            f"idempotency: {credits} partner credits for {PartnerRedemption.objects.count()} redemptions"
        )
    if IdempotentRequest.objects.filter(status_code=0).exists():
        out.append("idempotency: a partner request key left without its answer")
    split = [key for key, ids in partner_answers.items() if len(ids) > 1]
    if split:
        out.append(f"idempotency: {len(split)} partner keys answered with different redemptions")
    if PartnerRedemption.objects.filter(partner_id=other_partner_id).exists():
        out.append("isolation: the other partner redeemed a code that is not its own")
    return out


def caps_of_contact(sms_cap: int) -> list[str]:
    out = []
    over = (
        Delivery.objects.filter(channel="sms")
        .exclude(status=DeliveryStatus.FAILED)
        .values("member_id")
        .annotate(n=Count("id"))
        .filter(n__gt=sms_cap)
        .count()
    )
    if over:
        out.append(f"caps: {over} members got more than {sms_cap} SMS in the week")
    for campaign in Campaign.objects.filter(budget__isnull=False):
        spent = CampaignBudget.objects.filter(campaign=campaign).values_list("spent", flat=True).first()
        if spent is not None and spent > campaign.budget:
            out.append(f"caps: campaign {campaign.name} spent {spent} over its budget {campaign.budget}")
    for event_id, capacity in Rsvp.objects.values_list("event_id", "event__capacity").distinct():
        confirmed = Rsvp.objects.filter(event_id=event_id, status=RsvpStatus.CONFIRMED).count()
        waiting = Rsvp.objects.filter(event_id=event_id, status=RsvpStatus.WAITLISTED).count()
        if confirmed > capacity or (waiting and confirmed < capacity):
            out.append(
                f"caps: event {event_id} has {confirmed} confirmed of {capacity} with {waiting} waiting"
            )
    twice = Rsvp.objects.values("event_id", "member_id").annotate(n=Count("id")).filter(n__gt=1).count()
    if twice:
        out.append(f"idempotency: {twice} members hold two RSVPs to one event")
    return out


def sends_after_commit(sms_lines: list[dict], in_flight_at_kills: set[int]) -> tuple[list[str], int]:
    """Every SMS sent is a committed delivery's, at most once (twice only for a delivery a
    killed worker had claimed: at-least-once by design), and every sent SMS delivery has its SMS."""
    out = []
    by_key = {
        (d.member.msisdn, d.campaign.name): d
        for d in Delivery.objects.filter(channel="sms").select_related("member", "campaign")
    }
    seen = Counter()
    for line in sms_lines:
        found = CAMPAIGN_IN_SMS.search(line["body"])
        seen[(line["to"], found.group(1) if found else line["body"])] += 1
    orphans = [key for key in seen if key not in by_key]
    if orphans:
        out.append(f"side effects: {len(orphans)} SMS without a committed delivery (e.g. {orphans[0]})")
    twice = [
        key
        for key, n in seen.items()
        if key in by_key and n > (2 if by_key[key].pk in in_flight_at_kills else 1)
    ]
    if twice:
        out.append(f"side effects: {len(twice)} deliveries sent more than once (e.g. {twice[0]})")
    unsent = [key for key, d in by_key.items() if d.status == DeliveryStatus.SENT and key not in seen]
    if unsent:
        out.append(f"side effects: {len(unsent)} deliveries marked sent without their SMS (e.g. {unsent[0]})")
    if Run.objects.exclude(status__in=[RunStatus.DONE]).exists():
        out.append(
            f"sends: runs not done after the drain: {list(Run.objects.values_list('status', flat=True))}"
        )
    stuck = (
        Delivery.objects.filter(status__in=[DeliveryStatus.RESERVED, DeliveryStatus.SENDING])
        .exclude(pk__in=in_flight_at_kills)
        .count()
    )
    if stuck:
        out.append(f"sends: {stuck} deliveries still reserved or sending after the drain")
    return out, sum(seen.values())


WORKER_FAILURE = re.compile(r"Task (\S+)\[[0-9a-f-]+\] raised unexpected: (\w+)")
OUTAGE_ERRORS = {
    "ConnectionError",
    "TimeoutError",
    "OperationalError",
    "ConnectionRefusedError",
    "WorkerLostError",
}


def worker_failures(log_text: str) -> list[str]:
    """A task that raised anything but a lost connection (Redis restarted under it)."""
    failures = Counter(
        (task, error) for task, error in WORKER_FAILURE.findall(log_text) if error not in OUTAGE_ERRORS
    )
    return [f"workers: {task} raised {error} x{n}" for (task, error), n in failures.items()]
