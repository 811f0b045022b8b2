"""The partner checks and redeems the codes members bring, and reverses a redemption.

``code_redeem`` is one transaction (with one savepoint, see below): lock the code row (``FOR
UPDATE``: concurrent redemptions of one code queue there and the first wins), check the
co-promotion runs today, record the ``PartnerRedemption`` (a partial unique index: one live
redemption per code) and mark the code redeemed, and only then take the cost from the budget
(services/budget.py: a conditional UPDATE of one of its slices, ``spent + cost <= cap``: never
overspent), so the budget's row stays locked only until the commit. When that slice is short the
transaction rolls back to a savepoint taken before the two writes and takes the slow path (all
slices locked in order, consolidated if need be); a refused budget leaves nothing written.
For bonus points the member is credited after that through the ledger (key
``copromotion_redeem:<redemption id>``). ``code_redemption_reverse`` undoes it once: a
reversing ledger entry (never a delete), the cost given back to the slice it was taken from,
the code redeemable again.

A code of another partner is "not found", exactly like an unknown code; no answer names the
member.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rewards.ledger.models import SourceType
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.services import points_grant
from rewards.ledger.services.debits import points_reverse_source

from ..models import (
    BenefitKind,
    CodeState,
    CoPromotion,
    CoPromotionBudget,
    CoPromotionState,
    PartnerRedemption,
    PromotionCode,
)
from . import statements
from .budget import budget_give_back, budget_slice_pick, budget_take, budget_take_locked
from .results import Benefit, CodeCheck, CodeError, RedeemResult, ReverseResult

MAX_CODE_LENGTH = 64
MAX_REFERENCE_LENGTH = 100

_MESSAGES = {
    CodeError.CODE_NOT_FOUND: gettext_lazy("There is no such code."),
    CodeError.CODE_NOT_ISSUED: gettext_lazy("This code has not been given to a member."),
    CodeError.CODE_ALREADY_REDEEMED: gettext_lazy("This code has already been redeemed."),
    CodeError.PROMOTION_NOT_RUNNING: gettext_lazy("The co-promotion of this code is not running today."),
    CodeError.BUDGET_EXHAUSTED: gettext_lazy("The co-promotion's budget is spent."),
    CodeError.REDEMPTION_NOT_FOUND: gettext_lazy("There is no such redemption."),
    CodeError.NOT_REDEEMED: gettext_lazy("This code has no redemption to reverse."),
}


def _message(error: CodeError) -> str:
    return str(_MESSAGES[error])


def source_ref(redemption_id: int) -> str:
    return f"copromotion_redemption:{redemption_id}"


def code_validate(*, partner_id: int, code: str, today: dt.date | None = None) -> CodeCheck:
    """Is ``code`` redeemable now, for which co-promotion, and what does the member get."""
    code = _normalised(code)
    room = None
    if not code:
        row = None
    elif statements.fast():
        found = statements.code_row(partner_id=partner_id, code=code, lock=False)
        row, room = found if found is not None else (None, None)
    else:
        codes = PromotionCode.objects.select_related("copromotion")
        row = codes.filter(partner_id=partner_id, code=code).first()
    if row is None:
        return CodeCheck(
            code=code, error=CodeError.CODE_NOT_FOUND, message=_message(CodeError.CODE_NOT_FOUND)
        )
    copromotion = row.copromotion
    error = _refusal(row, copromotion, today=today or timezone.localdate())
    if error is None and not statements.fast():
        left = (
            CoPromotionBudget.objects.filter(copromotion_id=copromotion.pk)
            .values_list("budget", "spent")
            .first()
        )
        room = None if left is None else left[0] - left[1]
    if error is None and (room is None or room < cost_of(copromotion)):
        error = CodeError.BUDGET_EXHAUSTED
    return CodeCheck(
        code=row.code,
        error=error,
        message=_message(error) if error else "",
        copromotion_id=copromotion.pk,
        copromotion_title=copromotion.title,
        benefit=benefit_of(copromotion),
    )


def code_redeem(
    *, partner_id: int, code: str, reference: str | None = None, at: dt.datetime | None = None
) -> RedeemResult:
    """Redeem ``code`` once (see the module's docstring). ``reference`` is the partner's own
    (a receipt number), kept for its statements."""
    at = at or timezone.now()
    code = _normalised(code)
    reference = _clean_reference(reference)
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise ValueError(_("The reference has at most %(max)s characters.") % {"max": MAX_REFERENCE_LENGTH})
    if not code:
        return _refused(CodeError.CODE_NOT_FOUND)
    with transaction.atomic(savepoint=False):
        if statements.fast():
            found = statements.code_row(partner_id=partner_id, code=code, lock=True)
            row = found[0] if found is not None else None
        else:
            row = (
                PromotionCode.objects.select_for_update(of=("self",))
                .select_related("copromotion")
                .filter(partner_id=partner_id, code=code)
                .first()
            )
        if row is None:
            return _refused(CodeError.CODE_NOT_FOUND)
        copromotion = row.copromotion
        error = _refusal(row, copromotion, today=timezone.localdate(at))
        if error is not None:
            return _refused(error, copromotion)
        points = copromotion.bonus_points if copromotion.benefit_kind == BenefitKind.BONUS_POINTS else 0
        amount = cost_of(copromotion)
        recorded = {
            "copromotion": copromotion,
            "partner_id": partner_id,
            "code": row,
            "at": at,
            "points": points,
            "amount": amount,
            "reference": reference,
        }
        first = budget_slice_pick()
        # One savepoint, before any budget row is locked, never released (the commit ends it):
        # the slow path rolls back to it, undoing the two writes and freeing a slice the failed
        # UPDATE may have kept locked.
        savepoint = transaction.savepoint()
        if statements.fast():
            # The three writes in one prepared statement, the budget's UPDATE among them.
            redemption_id = statements.record_and_take(
                copromotion_id=copromotion.pk, partner_id=partner_id, code_id=row.pk, at=at, points=points,
                amount=amount, reference=reference, index=first,
            )
            took = redemption_id is not None
        else:
            redemption_id = _recorded(**recorded, budget_slice=first).pk
            took = budget_take(copromotion_id=copromotion.pk, amount=amount, index=first)
        if not took:
            transaction.savepoint_rollback(savepoint)
            taken = budget_take_locked(copromotion_id=copromotion.pk, amount=amount, first=first)
            if taken is None:
                return _refused(CodeError.BUDGET_EXHAUSTED, copromotion)
            redemption_id = _recorded(**recorded, budget_slice=taken).pk
        if points:
            points_grant(
                member_id=row.member_id,
                points=points,
                reason=f"Bonus: {copromotion.title}"[:255],
                source_type=SourceType.CAMPAIGN,
                source_ref=source_ref(redemption_id),
                idempotency_key=f"copromotion_redeem:{redemption_id}",
                earned_at=at,
                reason_code=ReasonCode.CAMPAIGN_BONUS,
                reason_values={"campaign": copromotion.title},
            )
    return RedeemResult(
        redemption_id=redemption_id,
        copromotion_id=copromotion.pk,
        code=row.code,
        points=points,
        amount=amount,
        redeemed_at=at,
        benefit=benefit_of(copromotion),
    )


def _recorded(*, copromotion, partner_id, code, at, points, amount, reference, budget_slice):
    """The redemption's row and the code marked redeemed (the code's row is locked)."""
    redemption = PartnerRedemption.objects.create(
        copromotion=copromotion,
        partner_id=partner_id,
        code=code,
        redeemed_at=at,
        points=points,
        amount=amount,
        reference=reference,
        budget_slice=budget_slice,
    )
    PromotionCode.objects.filter(pk=code.pk).update(state=CodeState.REDEEMED)
    return redemption


def code_redemption_reverse(
    *,
    partner_id: int,
    redemption_id: int | None = None,
    code: str | None = None,
    reference: str = "",
    at: dt.datetime | None = None,
) -> ReverseResult:
    """Undo a redemption, named by its id or by its code (the live one): the points taken back
    by a reversing ledger entry, the budget given back, the code redeemable again. Reversing
    a reversed redemption (by id) answers the first reversal again and changes nothing."""
    if (redemption_id is None) == (code is None):
        raise ValueError("name the redemption by its id or by its code")
    at = at or timezone.now()
    reference = _clean_reference(reference)[:MAX_REFERENCE_LENGTH]
    with transaction.atomic():
        code_row = _code_to_reverse(partner_id=partner_id, redemption_id=redemption_id, code=code)
        if isinstance(code_row, CodeError):
            return ReverseResult(error=code_row, message=_message(code_row))
        found = PartnerRedemption.objects.select_for_update().filter(partner_id=partner_id, code=code_row)
        found = (
            found.filter(pk=redemption_id)
            if redemption_id is not None
            else found.filter(reversed_at__isnull=True)
        )
        redemption = found.first()
        if redemption is None:
            error = CodeError.REDEMPTION_NOT_FOUND if redemption_id is not None else CodeError.NOT_REDEEMED
            return ReverseResult(error=error, message=_message(error))
        if redemption.reversed_at is not None:
            return ReverseResult(
                redemption_id=redemption.pk,
                copromotion_id=redemption.copromotion_id,
                reversed_at=redemption.reversed_at,
                replayed=True,
            )
        PartnerRedemption.objects.filter(pk=redemption.pk).update(
            reversed_at=at, reversal_reference=reference
        )
        PromotionCode.objects.filter(pk=code_row.pk).update(state=CodeState.ASSIGNED)
        budget_give_back(
            copromotion_id=redemption.copromotion_id, amount=redemption.amount, index=redemption.budget_slice
        )
        if redemption.points:
            points_reverse_source(
                source_type=SourceType.CAMPAIGN,
                source_ref=source_ref(redemption.pk),
                reason=f"Partner redemption {redemption.pk} reversed",
                idempotency_key=f"copromotion_reverse:{redemption.pk}",
                reason_values={"redemption": redemption.pk},
            )
    return ReverseResult(
        redemption_id=redemption.pk, copromotion_id=redemption.copromotion_id, reversed_at=at
    )


def _code_to_reverse(*, partner_id: int, redemption_id: int | None, code: str | None):
    """The code row, locked first (the order ``code_redeem`` locks in), or the error."""
    if redemption_id is not None:
        code_id = (
            PartnerRedemption.objects.filter(pk=redemption_id, partner_id=partner_id)
            .values_list("code_id", flat=True)
            .first()
        )
        if code_id is None:
            return CodeError.REDEMPTION_NOT_FOUND
        lookup = {"pk": code_id}
    else:
        code = _normalised(code or "")
        if not code:
            return CodeError.CODE_NOT_FOUND
        lookup = {"code": code}
    row = PromotionCode.objects.select_for_update().filter(partner_id=partner_id, **lookup).first()
    return row if row is not None else CodeError.CODE_NOT_FOUND


def cost_of(copromotion: CoPromotion) -> Decimal:
    """What one redemption costs the partner: the funding per redemption plus the bonus points
    at the price per point (whole dong)."""
    points = copromotion.bonus_points if copromotion.benefit_kind == BenefitKind.BONUS_POINTS else 0
    return copromotion.funding_per_redemption + (points or 0) * copromotion.price_per_point


def benefit_of(copromotion: CoPromotion) -> Benefit:
    return Benefit(
        kind=copromotion.benefit_kind,
        bonus_points=copromotion.bonus_points,
        discount_percent=copromotion.discount_percent,
        discount_amount=copromotion.discount_amount,
    )


def _refusal(row: PromotionCode, copromotion: CoPromotion, *, today: dt.date) -> CodeError | None:
    if row.state == CodeState.REDEEMED:
        return CodeError.CODE_ALREADY_REDEEMED
    if (
        copromotion.state != CoPromotionState.APPROVED
        or not copromotion.starts_on <= today <= copromotion.ends_on
    ):
        return CodeError.PROMOTION_NOT_RUNNING
    if row.state == CodeState.AVAILABLE:
        return CodeError.CODE_NOT_ISSUED
    return None


def _refused(error: CodeError, copromotion: CoPromotion | None = None) -> RedeemResult:
    return RedeemResult(
        error=error, message=_message(error), copromotion_id=copromotion.pk if copromotion else None
    )


def _normalised(code: str) -> str:
    """The code as looked up, or "" (not found): no stored code has a NUL character (PostgreSQL
    text cannot hold one, and would refuse the query)."""
    code = (code or "").strip()
    return code if 0 < len(code) <= MAX_CODE_LENGTH and "\x00" not in code else ""


def _clean_reference(reference: str | None) -> str:
    """The partner's reference as kept: trimmed, without NUL characters (PostgreSQL text cannot
    hold them)."""
    return (reference or "").replace("\x00", "").strip()
