"""``redemption_create``: a member buys a reward with points, as one atomic unit.

One transaction: lock the member's row (``FOR NO KEY UPDATE``: the member's redemptions queue
one behind the other, which makes the idempotency re-check and the per-member limit exact),
validate, insert the redemption (its idempotency key is unique), debit the ledger
(``points_spend`` locks the points account and refuses to go below zero), take one unit of
stock with ``UPDATE ... SET remaining = remaining - 1 WHERE remaining > 0``, then fulfil by
kind (outbox row, voucher code with ``SKIP LOCKED``, or a fulfilment to ship). Any refusal
rolls everything back. See docs/redemption.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import SourceType
from rewards.ledger.services import InsufficientPoints, points_spend

from ..models import SHIPPED_KINDS, Redemption, RedemptionState, Reward, RewardStock
from .fulfilment import FULFIL_BY_KIND, FulfilmentOrder
from .results import RedemptionErrorCode, RedemptionReceipt, RedemptionResult, Refused
from .tiers import member_tier_rank
from .values import DeliveryAddress, idempotency_key_problem, limit_period_start, request_fingerprint

Code = RedemptionErrorCode


def redemption_create(
    *,
    member_id: int,
    reward_id: int,
    idempotency_key: str,
    delivery_address: Mapping | DeliveryAddress | None = None,
    now: dt.datetime | None = None,
) -> RedemptionResult:
    """Redeem once per idempotency key; the same key and body answer the same redemption.

    ``ValueError`` for a malformed key or address (the adapter's 400); every business refusal
    is a ``RedemptionResult`` with an error code and a message for the member.
    """
    problem = idempotency_key_problem(idempotency_key)
    if problem:
        raise ValueError(problem)
    address = DeliveryAddress.parse(delivery_address) if delivery_address is not None else None
    fingerprint = request_fingerprint(member_id=member_id, reward_id=reward_id, delivery_address=address)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            member = list(
                Member.objects.select_for_update(no_key=True)
                .filter(pk=member_id)
                .values_list("msisdn", "account_number")
            )
            if not member:
                raise Refused(Code.NOT_AVAILABLE, "There is no such member.")
            # A retry of this member's own request waits for the lock above, then finds it here.
            replay = _replay(idempotency_key, fingerprint)
            if replay is not None:
                return replay
            reward = Reward.objects.select_related("stock", "minimum_tier").filter(pk=reward_id).first()
            _check_eligibility(reward=reward, member_id=member_id, address=address, now=now)
            receipt = _redeem(
                reward=reward,
                member_id=member_id,
                msisdn=member[0][0],
                account_number=member[0][1],
                key=idempotency_key,
                fingerprint=fingerprint,
                address=address,
                now=now,
            )
    except Refused as refusal:
        return RedemptionResult(error=refusal.code, message=refusal.message)
    except IntegrityError:
        # Another request with this key (not the same member's: those queue on the member
        # lock) committed first; answer with its redemption, or refuse a different body.
        replay = _replay(idempotency_key, fingerprint)
        if replay is None:
            raise
        return replay
    return RedemptionResult(receipt=receipt)


def _replay(key: str, fingerprint: str) -> RedemptionResult | None:
    found = Redemption.objects.filter(idempotency_key=key).first()
    if found is None:
        return None
    if found.request_fingerprint != fingerprint:
        return RedemptionResult(
            error=Code.IDEMPOTENCY_CONFLICT,
            message="This idempotency key was already used for a different request.",
        )
    return RedemptionResult(receipt=receipt_of(found), replayed=True)


def receipt_of(redemption: Redemption) -> RedemptionReceipt:
    return RedemptionReceipt(
        redemption_id=redemption.pk,
        reward_id=redemption.reward_id,
        member_id=redemption.member_id,
        points=redemption.points,
        state=redemption.state,
        voucher_code=redemption.voucher_code,
        created_at=redemption.created_at,
        cancel_deadline=redemption.cancel_deadline,
    )


def stock_of(reward: Reward) -> RewardStock | None:
    """The reward's stock row as loaded with it (``select_related("stock")``); None: unlimited."""
    try:
        return reward.stock
    except RewardStock.DoesNotExist:
        return None


def _check_eligibility(
    *, reward: Reward | None, member_id: int, address: DeliveryAddress | None, now: dt.datetime
) -> None:
    if reward is None or not reward.live:
        raise Refused(Code.NOT_AVAILABLE, "This reward is not available.")
    if reward.valid_from and now < reward.valid_from:
        raise Refused(Code.NOT_AVAILABLE, "This reward is not available yet.")
    if reward.valid_until and now >= reward.valid_until:
        raise Refused(Code.NOT_AVAILABLE, "This reward is no longer available.")
    stock = stock_of(reward)
    if stock is not None and stock.remaining <= 0:  # a fast refusal; the UPDATE below decides
        raise Refused(Code.OUT_OF_STOCK, "This reward is out of stock.")
    if reward.kind in SHIPPED_KINDS and address is None:
        raise Refused(Code.ADDRESS_REQUIRED, "This reward is shipped: give a delivery address.")
    if reward.minimum_tier_id is not None:
        if member_tier_rank(member_id=member_id) < reward.minimum_tier.rank:
            raise Refused(Code.TIER_REQUIRED, "This reward is for members of a higher tier.")
    if reward.limit_count is not None:
        used = (
            Redemption.objects.filter(
                member_id=member_id,
                reward_id=reward.pk,
                created_at__gte=limit_period_start(period=reward.limit_period, now=now),
            )
            .exclude(state=RedemptionState.CANCELLED)
            .count()
        )
        if used >= reward.limit_count:
            raise Refused(
                Code.LIMIT_REACHED,
                f"You have redeemed this reward {used} times {reward.get_limit_period_display()}, the limit.",
            )


def _redeem(
    *,
    reward: Reward,
    member_id: int,
    msisdn: str,
    account_number: str,
    key: str,
    fingerprint: str,
    address: DeliveryAddress | None,
    now: dt.datetime,
) -> RedemptionReceipt:
    window = reward.cancellation_window_hours
    kept_address = address if reward.kind in SHIPPED_KINDS else None
    redemption = Redemption.objects.create(
        member_id=member_id,
        reward_id=reward.pk,
        points=reward.points_cost,
        idempotency_key=key,
        request_fingerprint=fingerprint,
        created_at=now,
        delivery_address=kept_address.as_dict() if kept_address else None,
        cancel_deadline=now + dt.timedelta(hours=window) if window else None,
    )
    try:
        points_spend(
            member_id=member_id,
            points=reward.points_cost,
            reason=f"Redeemed: {reward.name}"[:255],
            source_type=SourceType.REDEMPTION,
            source_ref=str(redemption.pk),
            idempotency_key=f"redeem:{key}",
        )
    except InsufficientPoints:
        raise Refused(Code.INSUFFICIENT_POINTS, "You do not have enough points for this reward.") from None
    code = FULFIL_BY_KIND[reward.kind](
        FulfilmentOrder(
            redemption_id=redemption.pk,
            reward=reward,
            member_id=member_id,
            msisdn=msisdn,
            account_number=account_number,
            delivery_address=kept_address,
        )
    )
    if code:
        Redemption.objects.filter(pk=redemption.pk).update(voucher_code=code)
        redemption.voucher_code = code
    # Last, so the hot stock row stays locked for the shortest time (until the commit that
    # follows). No row: unlimited.
    if stock_of(reward) is not None:
        taken = RewardStock.objects.filter(reward_id=reward.pk, remaining__gt=0).update(
            remaining=F("remaining") - 1
        )
        if not taken:
            raise Refused(Code.OUT_OF_STOCK, "This reward is out of stock.")
    return receipt_of(redemption)
