"""The adapter between the partner API and the co-promotion services (``partners.copromotions``):
each function calls one service or selector and turns its result into (HTTP status, JSON body).
Nothing here names a member."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from partners.copromotions.selectors import copromotion_stats, copromotions_of_partner
from partners.copromotions.services import (
    Benefit,
    CodeError,
    code_redeem,
    code_redemption_reverse,
    code_validate,
)

from .errors import error_body
from .services.idempotency import Answer

STATUS_BY_ERROR: dict[str, int] = {
    CodeError.CODE_NOT_FOUND: 404,
    CodeError.REDEMPTION_NOT_FOUND: 404,
    CodeError.CODE_NOT_ISSUED: 409,
    CodeError.CODE_ALREADY_REDEEMED: 409,
    CodeError.PROMOTION_NOT_RUNNING: 409,
    CodeError.BUDGET_EXHAUSTED: 409,
    CodeError.NOT_REDEEMED: 409,
}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _benefit(benefit: Benefit | None) -> dict | None:
    if benefit is None:
        return None
    return {
        "kind": str(benefit.kind),
        "bonus_points": benefit.bonus_points,
        "discount_percent": _money(benefit.discount_percent),
        "discount_amount": _money(benefit.discount_amount),
    }


def _refusal(error, message) -> Answer:
    return Answer(status=STATUS_BY_ERROR.get(str(error), 409), body=error_body(str(error), message))


def validate(*, partner_id: int, code: str) -> Answer:
    check = code_validate(partner_id=partner_id, code=code)
    if not check.is_valid:
        return _refusal(check.error, check.message)
    return Answer(200, {
        "code": check.code,
        "valid": True,
        "copromotion_id": check.copromotion_id,
        "copromotion_title": check.copromotion_title,
        "benefit": _benefit(check.benefit),
    })


def redeem(*, partner_id: int, code: str, reference: str) -> Answer:
    result = code_redeem(partner_id=partner_id, code=code, reference=reference)
    if not result.is_success:
        return _refusal(result.error, result.message)
    return Answer(200, {
        "redemption_id": result.redemption_id,
        "copromotion_id": result.copromotion_id,
        "code": result.code,
        "points": result.points,
        "amount": _money(result.amount),
        "redeemed_at": (result.redeemed_at or timezone.now()).isoformat(),
        "benefit": _benefit(result.benefit),
    })


def reverse(*, partner_id: int, redemption_id: int, reference: str) -> Answer:
    result = code_redemption_reverse(partner_id=partner_id, redemption_id=redemption_id, reference=reference)
    if not result.is_success:
        return _refusal(result.error, result.message)
    return Answer(200, {
        "redemption_id": result.redemption_id,
        "copromotion_id": result.copromotion_id,
        "reversed_at": result.reversed_at.isoformat(),
        "already_reversed": result.replayed,
    })


def _promotion(copromotion, today) -> dict:
    return {
        "id": copromotion.pk,
        "title": copromotion.title,
        "status": str(copromotion.status_on(today)),
        "benefit_kind": str(copromotion.benefit_kind),
        "starts_on": copromotion.starts_on.isoformat(),
        "ends_on": copromotion.ends_on.isoformat(),
    }


def promotions(*, partner_id: int) -> list[dict]:
    today = timezone.localdate()
    return [_promotion(p, today) for p in copromotions_of_partner(partner_id=partner_id)]


def promotion(*, partner_id: int, promotion_id: int) -> dict | None:
    """One co-promotion of the partner with its figures; None when unknown or another's."""
    found = copromotions_of_partner(partner_id=partner_id).filter(pk=promotion_id).first()
    if found is None:
        return None
    stats = copromotion_stats(copromotion_id=found.pk)
    return {
        **_promotion(found, timezone.localdate()),
        "stats": {
            "delivered": stats.delivered,
            "codes_total": stats.codes_total,
            "codes_given": stats.codes_given,
            "redeemed": stats.redeemed,
            "reversed": stats.reversed,
            "points_credited": stats.points_credited,
            "budget": _money(stats.budget),
            "budget_spent": _money(stats.budget_spent),
            "budget_left": _money(stats.budget_left),
        },
    }
