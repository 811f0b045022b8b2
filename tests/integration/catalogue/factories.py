"""Factories and helpers for the catalogue's tests (integration and reliability)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import factory

from rewards.catalogue.models import Reward, RewardKind
from rewards.catalogue.services import reward_stock_adjust, voucher_codes_generate
from rewards.ledger.models import SourceType
from rewards.ledger.services import points_grant

_grants = itertools.count(1)

ADDRESS = {"recipient": "Nguyễn Lan", "phone": "+84912345678", "line1": "12 Phố Huế", "city": "Hà Nội"}


class RewardFactory(factory.django.DjangoModelFactory):
    """A published reward (``live=True``); pass ``stock=N`` for a limited one."""

    class Meta:
        model = Reward
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Reward {n}")
    kind = RewardKind.DATA_PACK
    points_cost = 60
    data_mb = 1024
    live = True
    cancellation_window_hours = 24

    class Params:
        bill_credit = factory.Trait(kind=RewardKind.BILL_CREDIT, data_mb=None, credit_amount=Decimal("50000"))
        voice = factory.Trait(kind=RewardKind.VOICE_MINUTES, data_mb=None, voice_minutes=100)
        merchandise = factory.Trait(kind=RewardKind.MERCHANDISE, data_mb=None)
        partner_voucher = factory.Trait(kind=RewardKind.PARTNER_VOUCHER, data_mb=None)

    @factory.post_generation
    def stock(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            reward_stock_adjust(reward_id=obj.pk, delta=extracted)

    @factory.post_generation
    def codes(obj, create, extracted, **kwargs):
        if create and extracted:
            voucher_codes_generate(reward_id=obj.pk, count=extracted)


def give_points(member, points: int) -> None:
    points_grant(
        member_id=member.pk,
        points=points,
        reason="test grant",
        source_type=SourceType.SYSTEM,
        source_ref="test",
        idempotency_key=f"test-grant:{member.pk}:{next(_grants)}",
    )
