"""``redemption_create``: a member buys a reward with points, as one atomic unit.

One transaction: lock the member's row (``FOR NO KEY UPDATE``: the member's redemptions queue
one behind the other, which makes the per-member limit exact) and read the reward with its
stock and minimum tier in the same statement, validate, insert the redemption (its
idempotency key is unique: a retry's insert fails and the retry is answered with the first
redemption), debit the ledger (``points_spend`` locks the points account and refuses to go
below zero), fulfil by kind (outbox row, voucher code with ``SKIP LOCKED``, or a fulfilment to
ship), then take one unit of stock with ``UPDATE ... SET remaining = remaining - 1 WHERE
remaining > 0``. Any refusal rolls everything back. See docs/redemption.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import SourceType
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.services import InsufficientPoints, points_spend

from ..models import SHIPPED_KINDS, LimitPeriod, Redemption, RedemptionState, Reward, RewardStock
from .fulfilment import FULFIL_BY_KIND, FulfilmentOrder
from .results import RedemptionErrorCode, RedemptionReceipt, RedemptionResult, Refused
from .tiers import member_tier_rank
from .values import (
    DeliveryAddress,
    RewardTerms,
    idempotency_key_problem,
    limit_period_start,
    request_fingerprint,
)

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
            locked = _member_lock_with_reward(member_id=member_id, reward_id=reward_id)
            if locked is None:
                raise Refused(Code.NOT_AVAILABLE, "There is no such member.")
            msisdn, account_number, reward = locked
            try:
                _check_eligibility(reward=reward, member_id=member_id, address=address, now=now)
            except Refused:
                # A retry of a redemption that has become impossible since (its own unit was
                # the last one...) still gets its first answer.
                replay = _replay(idempotency_key, fingerprint)
                if replay is not None:
                    return replay
                raise
            receipt = _redeem(
                reward=reward,
                member_id=member_id,
                msisdn=msisdn,
                account_number=account_number,
                key=idempotency_key,
                fingerprint=fingerprint,
                address=address,
                now=now,
            )
            if receipt is None:
                # The key is taken: by this request's first attempt (this member's retries
                # wait for the lock above, so it has committed), or by another request,
                # which the insert waited for.
                replay = _replay(idempotency_key, fingerprint)
                if replay is None:
                    raise IntegrityError(f"idempotency key {idempotency_key!r} taken by nothing visible")
                return replay
    except Refused as refusal:
        return RedemptionResult(error=refusal.code, message=refusal.message)
    except IntegrityError:
        # Not expected (a taken key is answered above): if the key is behind it all the same,
        # answer with its redemption, or refuse a different body.
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


# The reward's columns a redemption reads, in ``RewardTerms`` order (``values_list`` names).
_TERMS_FIELDS = (
    "id",
    "name",
    "kind",
    "live",
    "points_cost",
    "credit_amount",
    "data_mb",
    "voice_minutes",
    "limit_count",
    "limit_period",
    "minimum_tier__rank",
    "valid_from",
    "valid_until",
    "cancellation_window_hours",
    "stock__remaining",
)


def _member_lock_with_reward(*, member_id: int, reward_id: int) -> tuple[str, str, RewardTerms | None] | None:
    """Lock the member's row; answer its MSISDN and account number and the reward's terms (None:
    no such reward), or None when there is no such member. One statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        member = (
            Member.objects.select_for_update(no_key=True)
            .filter(pk=member_id)
            .values_list("msisdn", "account_number")
            .first()
        )
        if member is None:
            return None
        terms = Reward.objects.filter(pk=reward_id).values_list(*_TERMS_FIELDS).first()
        return member[0], member[1], RewardTerms(*terms) if terms else None
    with connection.cursor() as cursor:
        cursor.execute(_MEMBER_LOCK_WITH_REWARD_SQL, [reward_id, member_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], row[1], RewardTerms(*row[2:]) if row[2] is not None else None


def _terms_column(field: str) -> str:
    if field == "minimum_tier__rank":
        return "tier.rank"
    if field == "stock__remaining":
        return "stock.remaining"
    return f"reward.{Reward._meta.get_field(field).column}"


_MEMBER_LOCK_WITH_REWARD_SQL = (
    f"SELECT member.msisdn, member.account_number, {', '.join(map(_terms_column, _TERMS_FIELDS))} "
    f"FROM {Member._meta.db_table} AS member "
    f"LEFT JOIN {Reward._meta.db_table} AS reward ON reward.id = %s "
    f"LEFT JOIN {Reward._meta.get_field('minimum_tier').related_model._meta.db_table} AS tier "
    "ON tier.id = reward.minimum_tier_id "
    f"LEFT JOIN {RewardStock._meta.db_table} AS stock ON stock.reward_id = reward.id "
    "WHERE member.id = %s FOR NO KEY UPDATE OF member"
)


def _check_eligibility(
    *, reward: RewardTerms | None, member_id: int, address: DeliveryAddress | None, now: dt.datetime
) -> None:
    if reward is None or not reward.live:
        raise Refused(Code.NOT_AVAILABLE, "This reward is not available.")
    if reward.valid_from and now < reward.valid_from:
        raise Refused(Code.NOT_AVAILABLE, "This reward is not available yet.")
    if reward.valid_until and now >= reward.valid_until:
        raise Refused(Code.NOT_AVAILABLE, "This reward is no longer available.")
    if reward.stock is not None and reward.stock <= 0:  # a fast refusal; the UPDATE below decides
        raise Refused(Code.OUT_OF_STOCK, "This reward is out of stock.")
    if reward.kind in SHIPPED_KINDS and address is None:
        raise Refused(Code.ADDRESS_REQUIRED, "This reward is shipped: give a delivery address.")
    if reward.minimum_tier_rank is not None:
        if member_tier_rank(member_id=member_id) < reward.minimum_tier_rank:
            raise Refused(Code.TIER_REQUIRED, "This reward is for members of a higher tier.")
    if reward.limit_count is not None:
        used = (
            Redemption.objects.filter(
                member_id=member_id,
                reward_id=reward.id,
                created_at__gte=limit_period_start(period=reward.limit_period, now=now),
            )
            .exclude(state=RedemptionState.CANCELLED)
            .count()
        )
        if used >= reward.limit_count:
            raise Refused(
                Code.LIMIT_REACHED,
                f"You have redeemed this reward {used} times {LimitPeriod(reward.limit_period).label}, "
                "the limit.",
            )


def _redeem(
    *,
    reward: RewardTerms,
    member_id: int,
    msisdn: str,
    account_number: str,
    key: str,
    fingerprint: str,
    address: DeliveryAddress | None,
    now: dt.datetime,
) -> RedemptionReceipt | None:
    """The writes of a redemption; None (nothing written) when the key is taken already."""
    window = reward.cancellation_window_hours
    kept_address = address if reward.kind in SHIPPED_KINDS else None
    deadline = now + dt.timedelta(hours=window) if window else None
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL,
            [
                member_id,
                reward.id,
                reward.points_cost,
                RedemptionState.CONFIRMED.value,
                key,
                fingerprint,
                _db_value("delivery_address", kept_address.as_dict() if kept_address else None),
                _db_value("created_at", now),
                _db_value("cancel_deadline", deadline),
            ],
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return None
    redemption_id = inserted[0]
    try:
        points_spend(
            member_id=member_id,
            points=reward.points_cost,
            reason=f"Redeemed: {reward.name}"[:255],
            reason_code=ReasonCode.REDEEMED,
            reason_values={"reward": reward.name},
            source_type=SourceType.REDEMPTION,
            source_ref=str(redemption_id),
            idempotency_key=f"redeem:{key}",
        )
    except InsufficientPoints:
        raise Refused(Code.INSUFFICIENT_POINTS, "You do not have enough points for this reward.") from None
    code = FULFIL_BY_KIND[reward.kind](
        FulfilmentOrder(
            redemption_id=redemption_id,
            reward=reward,
            member_id=member_id,
            msisdn=msisdn,
            account_number=account_number,
            delivery_address=kept_address,
            now=now,
        )
    )
    if code:
        Redemption.objects.filter(pk=redemption_id).update(voucher_code=code)
    # Last, so the hot stock row stays locked for the shortest time (until the commit that
    # follows). No row: unlimited.
    if reward.stock is not None:
        with connection.cursor() as cursor:
            cursor.execute(_TAKE_ONE_SQL, [reward.id])
            if cursor.rowcount != 1:
                raise Refused(Code.OUT_OF_STOCK, "This reward is out of stock.")
    return RedemptionReceipt(
        redemption_id=redemption_id,
        reward_id=reward.id,
        member_id=member_id,
        points=reward.points_cost,
        state=RedemptionState.CONFIRMED.value,
        voucher_code=code,
        created_at=now,
        cancel_deadline=deadline,
    )


# The redemption's row in one plain statement (the ORM's ``create`` cost as much CPU as the
# rest of the transaction); a taken key inserts nothing and returns no id.
_INSERT_SQL = (
    f"INSERT INTO {Redemption._meta.db_table} (member_id, reward_id, points, state, idempotency_key, "
    "request_fingerprint, voucher_code, delivery_address, created_at, cancel_deadline, cancel_reason) "
    "VALUES (%s, %s, %s, %s, %s, %s, '', %s, %s, %s, '') "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)
_TAKE_ONE_SQL = (
    f"UPDATE {RewardStock._meta.db_table} SET remaining = remaining - 1 "
    "WHERE reward_id = %s AND remaining > 0"
)


def _db_value(field: str, value):
    """``value`` as the database takes it for this ``Redemption`` field (JSON, datetimes)."""
    return Redemption._meta.get_field(field).get_db_prep_save(value, connection)
