"""contacts_reserve: every cap, its reason, priority, idempotency and the budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campaigns.contact.models import CampaignBudget, Delivery, Suppression
from campaigns.contact.services import RunSlice, SliceOutcome, contacts_reserve

from .factories import AT, campaign, member, policy

pytestmark = pytest.mark.django_db


def reserve(*campaigns_, occurrence="once", at=AT, members=None, extra=None):
    ids = [m.pk for m in members] if members else [0]
    return contacts_reserve(
        slices=[RunSlice(campaign=c, occurrence=occurrence, extra_filter=extra) for c in campaigns_],
        id_from=min(ids) if members else 0, id_to=(max(ids) + 1) if members else 10**9, at=at,
    )


def reasons(c, occurrence="once") -> dict[int, str]:
    rows = Suppression.objects.filter(campaign=c, occurrence=occurrence)
    return dict(rows.values_list("member_id", "reason"))


def test_every_member_of_the_audience_gets_one_delivery_per_channel():
    policy()
    members = [member(email=f"m{i}@example.test") for i in range(3)]
    c = campaign(send_email=True, send_sms=True)
    outcome = reserve(c)
    assert outcome[c.pk].delivered == 3
    assert Delivery.objects.filter(campaign=c).count() == 9
    assert sorted(outcome[c.pk].delivery_ids) == sorted(Delivery.objects.values_list("id", flat=True))
    assert set(Delivery.objects.values_list("member_id", flat=True)) == {m.pk for m in members}


def test_a_rerun_changes_nothing():
    policy()
    member()
    c = campaign()
    reserve(c)
    again = reserve(c)
    assert again[c.pk] == SliceOutcome(delivered=0, held_out=0, suppressed={})
    assert Delivery.objects.count() == 1


def test_each_member_is_counted_once_in_the_outcome():
    policy(sms_max=1)
    busy, fresh, no_sms = member(), member(), member(consent_sms=False)
    first = campaign(send_portal=False, send_sms=True)
    reserve(first, members=[busy])
    second = campaign(send_portal=True, send_sms=True)
    outcome = reserve(second, members=[busy, fresh, no_sms])[second.pk]
    # busy: portal yes, SMS capped; no_sms: portal yes; fresh: both
    assert outcome == SliceOutcome(delivered=3, held_out=0, suppressed={}, delivery_ids=outcome.delivery_ids)
    assert reasons(second) == {busy.pk: "channel_cap", no_sms.pk: "no_channel_consent"}


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param({"consent_marketing": False}, "no_marketing_consent", id="no-marketing-consent"),
        pytest.param({"consent_sms": False}, "no_channel_consent", id="no-sms-consent"),
    ],
)
def test_members_who_must_not_be_contacted_are_suppressed_with_the_reason(fields, reason):
    policy()
    target = member(**fields)
    c = campaign(send_portal=False, send_sms=True)
    outcome = reserve(c, members=[target])
    assert outcome[c.pk].suppressed == {reason: 1}
    assert reasons(c) == {target.pk: reason}
    assert not Delivery.objects.exists()


def test_email_needs_an_address():
    policy()
    without, with_address = member(), member(email="x@example.test")
    c = campaign(send_portal=False, send_email=True)
    reserve(c, members=[without, with_address])
    assert reasons(c) == {without.pk: "no_address"}
    assert list(Delivery.objects.values_list("member_id", flat=True)) == [with_address.pk]


def test_transactional_messages_need_no_marketing_consent_and_skip_marketing_caps():
    policy(sms_max=1)
    target = member(consent_marketing=False)
    service = campaign(send_portal=False, send_sms=True, transactional=True, counts_toward_caps=False)
    for occurrence in ("a", "b", "c"):
        reserve(service, occurrence=occurrence, members=[target])
    assert Delivery.objects.filter(campaign=service).count() == 3
    assert set(Delivery.objects.values_list("marketing", "counts_toward_caps")) == {(False, False)}


def test_a_transactional_message_that_still_counts_uses_a_marketing_slot():
    policy(sms_max=1)
    target = member()
    service = campaign(send_portal=False, send_sms=True, transactional=True, counts_toward_caps=True)
    marketing = campaign(send_portal=False, send_sms=True)
    reserve(service, members=[target])
    reserve(marketing, members=[target])
    assert reasons(marketing) == {target.pk: "channel_cap"}


def _days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def test_campaign_window_cap_counts_occurrences_in_the_rolling_window():
    policy()
    target = member()
    c = campaign(send_portal=True, send_sms=True, max_per_window=2, window_days=7)
    for day in (0, 1, 2):
        reserve(c, occurrence=f"d{day}", at=AT + _days(day), members=[target])
    # two occurrences (4 deliveries: 2 channels each) then the cap
    assert Delivery.objects.filter(campaign=c).count() == 4
    assert reasons(c, "d2") == {target.pk: "campaign_cap"}
    # exactly 7 days after the first, it has left the window
    reserve(c, occurrence="d7", at=AT + _days(7), members=[target])
    assert Delivery.objects.filter(campaign=c, occurrence="d7").count() == 2


def test_minimum_gap_between_repeats():
    policy()
    target = member()
    c = campaign(min_gap_hours=24)
    reserve(c, occurrence="a", members=[target])
    reserve(c, occurrence="b", at=AT + dt.timedelta(hours=23, minutes=59), members=[target])
    reserve(c, occurrence="c", at=AT + dt.timedelta(hours=24), members=[target])
    assert reasons(c, "b") == {target.pk: "min_gap"}
    assert set(Delivery.objects.values_list("occurrence", flat=True)) == {"a", "c"}


def test_lifetime_maximum():
    policy()
    target = member()
    c = campaign(lifetime_max=2)
    for day in range(4):
        reserve(c, occurrence=f"d{day}", at=AT + _days(30 * day), members=[target])
    assert Delivery.objects.filter(campaign=c).count() == 2
    assert reasons(c, "d3") == {target.pk: "lifetime_cap"}


def test_a_failed_delivery_frees_its_slot():
    policy(sms_max=1)
    target = member()
    first, second = (campaign(send_portal=False, send_sms=True) for _ in range(2))
    reserve(first, members=[target])
    Delivery.objects.filter(campaign=first).update(status="failed")
    reserve(second, members=[target])
    assert Delivery.objects.filter(campaign=second).count() == 1


def test_fatigue_counts_email_sms_and_seen_portal_offers():
    policy(fatigue_max=2)
    target = member(email="f@example.test")
    seen = campaign()
    reserve(seen, members=[target])
    Delivery.objects.filter(campaign=seen).update(status="viewed", viewed_at=AT)
    unseen = campaign()
    reserve(unseen, members=[target])
    email = campaign(send_portal=False, send_email=True)
    sms = campaign(send_portal=False, send_sms=True)
    reserve(email, members=[target])
    reserve(sms, members=[target])
    assert reasons(sms) == {target.pk: "fatigue_cap"}
    assert reasons(email) == {}


def test_the_members_own_weekly_limit():
    policy()
    target = member(max_messages_per_week=1)
    first, second = (campaign(send_portal=False, send_sms=True) for _ in range(2))
    reserve(first, members=[target])
    reserve(second, at=AT + _days(6.9), members=[target])
    assert reasons(second) == {target.pk: "member_limit"}


def test_the_higher_priority_takes_the_last_slot_in_the_same_chunk():
    policy(sms_max=1)
    target = member()
    low = campaign(send_portal=False, send_sms=True, priority=10)
    high = campaign(send_portal=False, send_sms=True, priority=90)
    outcome = reserve(low, high, members=[target])
    assert outcome[high.pk].delivered == 1
    assert outcome[low.pk].suppressed == {"channel_cap": 1}


def test_holdout_is_stable_and_about_the_share_asked():
    policy()
    members = [member() for _ in range(200)]
    c = campaign(holdout_percent=Decimal(25))
    outcome = reserve(c, members=members)[c.pk]
    held = set(Suppression.objects.filter(reason="holdout").values_list("member_id", flat=True))
    from campaigns.contact.rules import is_held_out

    assert held == {m.pk for m in members if is_held_out(c.holdout_seed, m.pk, c.holdout_percent)}
    assert outcome.held_out == len(held)
    assert 30 <= len(held) <= 70
    again = reserve(c, occurrence="next", members=members)[c.pk]
    assert again.held_out == len(held)


def test_budget_is_never_exceeded_and_counts_the_offer_once_per_member():
    policy(sms_cost=Decimal(300), portal_cost=Decimal(0))
    members = [member() for _ in range(5)]
    c = campaign(send_portal=True, send_sms=True, budget=Decimal(2000), cost_per_delivery=Decimal(200))
    outcome = reserve(c, members=members)[c.pk]
    # channel by channel: 5 portal offers at 0 + 200 (the offer) = 1,000, then 3 SMS at 300
    assert CampaignBudget.objects.get(campaign=c).spent == Decimal(1900)
    assert sum(Delivery.objects.values_list("cost", flat=True)) == Decimal(1900)
    assert outcome.delivered == 5
    assert reasons(c) == {members[3].pk: "budget", members[4].pk: "budget"}
    assert Delivery.objects.filter(channel="sms").count() == 3
    c.budget = Decimal(2500)
    c.save()
    reserve(c, occurrence="again", members=members)
    # 600 left: three more portal offers at 200, no SMS
    assert CampaignBudget.objects.get(campaign=c).spent == Decimal(2500)


def test_quiet_hours_defer_email_and_sms_to_their_end_in_the_members_time():
    policy(quiet_hours_start=dt.time(21), quiet_hours_end=dt.time(8))
    night_owl = member(time_zone="Europe/London")  # 05:00 there: quiet until 08:00 London
    own_hours = member(quiet_hours_start=dt.time(11), quiet_hours_end=dt.time(13))  # 12:00 here
    awake = member()  # 12:00 in Ho Chi Minh City
    c = campaign(send_portal=True, send_sms=True)
    reserve(c, members=[night_owl, own_hours, awake])
    send_after = dict(Delivery.objects.filter(channel="sms").values_list("member_id", "send_after"))
    assert send_after == {
        night_owl.pk: dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC),
        own_hours.pk: dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC),
        awake.pk: None,
    }
    assert set(Delivery.objects.filter(channel="portal").values_list("send_after", flat=True)) == {None}
