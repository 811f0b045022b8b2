"""contacts_reserve: every cap, its reason, priority, idempotency and the budget."""

from __future__ import annotations

import pytest

from campaigns.contact.models import Delivery, Suppression
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
