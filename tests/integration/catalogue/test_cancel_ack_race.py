"""A cancellation and the billing system's acknowledgement racing: exactly one wins, and the
points follow the winner (refunded only when the cancellation won)."""

from __future__ import annotations

import pytest

from rewards.catalogue.models import NetworkOutbox, Redemption
from rewards.catalogue.services import outbox_acknowledge, redemption_cancel, redemption_create
from rewards.ledger.selectors import points_balance
from tests.factories import MemberFactory

from .concurrency import Crowd
from .factories import RewardFactory, give_points

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRIALS = 10


def test_cancel_and_acknowledge_never_both_win():
    member = MemberFactory()
    give_points(member, 60 * TRIALS)
    reward = RewardFactory(points_cost=60)
    winners = []
    with Crowd(2) as crowd:
        for trial in range(TRIALS):
            receipt = redemption_create(
                member_id=member.pk, reward_id=reward.pk, idempotency_key=f"race:{trial}"
            ).receipt
            row = NetworkOutbox.objects.get(redemption_id=receipt.redemption_id)
            cancel, ack = crowd.run(
                [
                    lambda r=receipt: redemption_cancel(redemption_id=r.redemption_id, reason="race"),
                    lambda o=row: outbox_acknowledge(outbox_ids=[o.pk]),
                ]
            )
            assert cancel.error is None and ack.error is None
            state = Redemption.objects.get(pk=receipt.redemption_id).state
            outbox_state = NetworkOutbox.objects.get(pk=row.pk).state
            assert (state, outbox_state) in {("cancelled", "cancelled"), ("fulfilled", "acknowledged")}
            assert cancel.value.is_success == (state == "cancelled")
            assert ack.value[0].state == outbox_state
            winners.append(state)
    refunded = winners.count("cancelled")
    assert points_balance(member_id=member.pk).available == 60 * refunded
