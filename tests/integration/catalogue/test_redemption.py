"""``redemption_create``: one atomic unit, exactly once per idempotency key, typed refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rewards.catalogue.models import (
    Fulfilment,
    NetworkOutbox,
    OutboxKind,
    Redemption,
    RewardStock,
    VoucherCode,
    VoucherState,
)
from rewards.catalogue.services import RedemptionErrorCode, redemption_create
from rewards.ledger.models import EntryKind, LedgerEntry, PointsAccount
from rewards.ledger.selectors import points_balance
from tests.factories import MemberFactory

from .factories import ADDRESS, RewardFactory, give_points

pytestmark = pytest.mark.django_db
Code = RedemptionErrorCode


@pytest.fixture
def member():
    member = MemberFactory()
    give_points(member, 100)
    return member


def redeem(member, reward, key="k1", **kwargs):
    return redemption_create(member_id=member.pk, reward_id=reward.pk, idempotency_key=key, **kwargs)


def nothing_written(member, reward, available=100):
    assert not Redemption.objects.filter(reward=reward).exists()
    assert not NetworkOutbox.objects.exists() and not Fulfilment.objects.exists()
    assert PointsAccount.objects.get(member=member).available == available
    assert not LedgerEntry.objects.filter(member=member, kind=EntryKind.REDEEM).exists()


def test_a_data_pack_debits_the_ledger_and_queues_an_outbox_row(member):
    reward = RewardFactory(points_cost=60, data_mb=2048, stock=3)

    result = redeem(member, reward)

    assert result.is_success and not result.replayed
    redemption = Redemption.objects.get(pk=result.receipt.redemption_id)
    assert (redemption.points, redemption.state) == (60, "confirmed")
    debit = LedgerEntry.objects.get(member=member, kind=EntryKind.REDEEM)
    assert (debit.points, debit.source_type, debit.source_ref) == (-60, "redemption", str(redemption.pk))
    assert debit.idempotency_key == "redeem:k1"
    assert points_balance(member_id=member.pk).available == 40
    assert RewardStock.objects.get(reward=reward).remaining == 2
    row = NetworkOutbox.objects.get(redemption=redemption)
    assert (row.kind, row.quantity, row.unit, row.msisdn) == (OutboxKind.DATA, 2048, "MB", member.msisdn)
    assert redemption.cancel_deadline == redemption.created_at + dt.timedelta(hours=24)


def test_a_bill_credit_goes_out_in_the_operator_currency(member):
    reward = RewardFactory(bill_credit=True, points_cost=50)

    redeem(member, reward)

    row = NetworkOutbox.objects.get()
    assert (row.kind, row.quantity, row.unit) == (OutboxKind.BILL_CREDIT, 50000, "VND")


def test_a_partner_voucher_takes_one_code_from_the_pool(member):
    reward = RewardFactory(partner_voucher=True, points_cost=30, codes=2)

    first = redeem(member, reward, key="a")
    second = redeem(member, reward, key="b")
    third = redeem(member, reward, key="c")

    assert first.receipt.voucher_code and second.receipt.voucher_code
    assert first.receipt.voucher_code != second.receipt.voucher_code
    assert third.error == Code.OUT_OF_STOCK
    assert VoucherCode.objects.filter(state=VoucherState.ASSIGNED).count() == 2
    assert points_balance(member_id=member.pk).available == 40  # the third refused, nothing taken


def test_merchandise_needs_an_address_and_creates_a_fulfilment(member):
    reward = RewardFactory(merchandise=True, points_cost=40)

    refused = redeem(member, reward, key="no-address")
    result = redeem(member, reward, key="with-address", delivery_address=ADDRESS)

    assert refused.error == Code.ADDRESS_REQUIRED
    fulfilment = Fulfilment.objects.get(redemption_id=result.receipt.redemption_id)
    assert fulfilment.address["city"] == "Hà Nội" and fulfilment.state == "to_ship"


def test_an_incomplete_address_is_a_value_error_naming_the_fields(member):
    reward = RewardFactory(merchandise=True)

    with pytest.raises(ValueError, match="city is required; phone is required"):
        redeem(member, reward, delivery_address={"recipient": "Lan", "line1": "12 Phố Huế"})


@pytest.mark.parametrize(
    ("reward_kwargs", "code"),
    [
        pytest.param({"points_cost": 101}, Code.INSUFFICIENT_POINTS, id="insufficient-points"),
        pytest.param({"stock": 0}, Code.OUT_OF_STOCK, id="out-of-stock"),
        pytest.param({"live": False}, Code.NOT_AVAILABLE, id="unpublished"),
        pytest.param(
            {
                "valid_until": timezone.now() - dt.timedelta(days=1),
                "valid_from": timezone.now() - dt.timedelta(days=9),
            },
            Code.NOT_AVAILABLE,
            id="expired",
        ),
        pytest.param({"valid_from": timezone.now() + dt.timedelta(days=1)}, Code.NOT_AVAILABLE, id="not-yet"),
    ],
)
def test_a_refusal_has_its_code_and_changes_nothing(member, reward_kwargs, code):
    reward = RewardFactory(**reward_kwargs)

    result = redeem(member, reward)

    assert (result.error, result.receipt) == (code, None)
    assert result.message
    nothing_written(member, reward)


def test_the_per_member_limit_counts_live_redemptions_in_the_period(member):
    give_points(member, 500)
    reward = RewardFactory(points_cost=10, limit_count=2, limit_period="month")

    results = [redeem(member, reward, key=f"k{i}") for i in range(3)]

    assert [r.error for r in results] == [None, None, Code.LIMIT_REACHED]
    other = MemberFactory()
    give_points(other, 10)
    assert redeem(other, reward, key="other").is_success


def test_the_same_key_and_body_answer_the_same_redemption(member):
    reward = RewardFactory(points_cost=10)

    first = redeem(member, reward)
    again = redeem(member, reward)

    assert again.replayed and again.receipt == first.receipt
    assert Redemption.objects.count() == 1
    assert points_balance(member_id=member.pk).available == 90


def test_a_retry_after_its_own_unit_was_the_last_still_gets_the_first_answer(member):
    reward = RewardFactory(points_cost=10, stock=1)

    first = redeem(member, reward)
    again = redeem(member, reward)
    other = redeem(member, reward, key="k2")

    assert first.is_success and again.replayed and again.receipt == first.receipt
    assert other.error == Code.OUT_OF_STOCK
    assert RewardStock.objects.get(reward=reward).remaining == 0
    assert points_balance(member_id=member.pk).available == 90


def test_the_same_key_with_another_body_is_refused(member):
    reward, other_reward = RewardFactory(points_cost=10), RewardFactory(points_cost=10)
    redeem(member, reward)

    result = redeem(member, other_reward)

    assert result.error == Code.IDEMPOTENCY_CONFLICT
    assert Redemption.objects.count() == 1


def test_another_members_use_of_a_key_is_a_conflict_not_their_redemption(member):
    reward = RewardFactory(points_cost=10)
    redeem(member, reward)
    stranger = MemberFactory()
    give_points(stranger, 100)

    result = redeem(stranger, reward)

    assert result.error == Code.IDEMPOTENCY_CONFLICT and result.receipt is None


@pytest.mark.parametrize(
    "key", ["", "   ", "x" * 101, "clé"], ids=["empty", "blank", "too-long", "non-ascii"]
)
def test_a_malformed_key_is_a_value_error(member, key):
    with pytest.raises(ValueError, match="idempotency key"):
        redeem(member, RewardFactory(), key=key)


def test_a_tier_restricted_reward_needs_the_tier_or_a_higher_one(member):
    from rewards.tiers.models import MemberTier
    from tests.factories import TierFactory

    silver, gold = TierFactory(rank=1), TierFactory(rank=2)
    reward = RewardFactory(points_cost=10, minimum_tier=gold)
    refused = redeem(member, reward, key="as-silver")  # no tier state yet: the default tier
    MemberTier.objects.create(
        member=member, tier=gold, since=dt.date(2026, 1, 1), qualified_until=dt.date(2027, 1, 1)
    )

    accepted = redeem(member, reward, key="as-gold")

    assert silver.rank < gold.rank
    assert refused.error == Code.TIER_REQUIRED
    assert accepted.is_success


def test_rewards_available_for_a_member(member):
    from rewards.catalogue.selectors import rewards_available_for

    affordable = RewardFactory(points_cost=100, name="affordable")
    RewardFactory(points_cost=101, name="too dear")
    RewardFactory(points_cost=10, stock=0, name="sold out")
    RewardFactory(points_cost=10, live=False, name="draft")
    RewardFactory(
        points_cost=10, valid_until=timezone.now(), valid_from=timezone.now() - dt.timedelta(days=1)
    )

    assert list(rewards_available_for(member_id=member.pk)) == [affordable]
