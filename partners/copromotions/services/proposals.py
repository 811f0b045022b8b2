"""A partner proposes, edits and submits a co-promotion; the operator sets its terms and
approves or rejects it through the linked campaign's Wagtail workflow (``review.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from club.members.models import Segment

from ..models import (
    BenefitKind,
    CoPromotion,
    CoPromotionState,
)
from .budget import budget_account_open
from .campaign import campaign_for_copromotion

PROPOSAL_FIELDS = (
    "title",
    "offer_text_en",
    "offer_text_vi",
    "offer_text_zh_hans",
    "offer_text_ru",
    "benefit_kind",
    "discount_percent",
    "discount_amount",
    "bonus_points",
    "budget",
    "starts_on",
    "ends_on",
    "suggested_segments",
)
TERMS_FIELDS = ("funding_per_redemption", "price_per_point", "revenue_share_percent")
TERMS_LOG_ACTION = "troika.copromotion_terms_set"
APPROVED_LOG_ACTION = "troika.copromotion_approved"
REJECTED_LOG_ACTION = "troika.copromotion_rejected"
SEGMENT_CODES = frozenset(code for code, _label in Segment.choices if code)


class CoPromotionError(ValidationError):
    """A refused change: ``code`` is stable (``not_draft``, ``no_codes``, ``terms_locked``...)."""

    def __init__(self, code: str, message):
        super().__init__(message, code=code)
        self.error_code = code


def copromotion_propose(*, partner_id: int, user_id: int, data: Mapping) -> CoPromotion:
    """A new draft co-promotion of ``partner_id``. ``data`` holds the proposal's fields
    (``PROPOSAL_FIELDS``); every problem is raised at once as a ``ValidationError`` by field."""
    copromotion = CoPromotion(partner_id=partner_id, created_by_id=user_id)
    _apply(copromotion, data, today=timezone.localdate())
    with transaction.atomic():
        copromotion.save()
    return copromotion


def copromotion_update_draft(
    *, copromotion_id: int, partner_id: int, user_id: int, data: Mapping
) -> CoPromotion:
    """Change a draft of the partner's own. Only drafts change; another partner's is not found."""
    with transaction.atomic():
        copromotion = _lock(copromotion_id, partner_id)
        if copromotion.state != CoPromotionState.DRAFT:
            raise CoPromotionError("not_draft", _("Only a draft can be changed."))
        _apply(copromotion, data, today=timezone.localdate())
        copromotion.save()
    return copromotion


def copromotion_submit(*, copromotion_id: int, partner_id: int, user_id: int) -> CoPromotion:
    """Send a draft for review: its budget account opens and a draft campaign (audience from
    the suggested segments, one message per language with a text) is created for marketers
    to finish and send through the campaign approval workflow. Needs at least one code."""
    with transaction.atomic():
        copromotion = _lock(copromotion_id, partner_id)
        if copromotion.state != CoPromotionState.DRAFT:
            raise CoPromotionError("not_draft", _("Only a draft can be submitted."))
        if copromotion.ends_on < timezone.localdate():
            raise CoPromotionError("ended", _("The co-promotion's dates are over: change them first."))
        if not copromotion.codes.exists():
            raise CoPromotionError("no_codes", _("Add codes (upload or generate them) before submitting."))
        copromotion.campaign = campaign_for_copromotion(copromotion, user_id=user_id)
        copromotion.state = CoPromotionState.SUBMITTED
        copromotion.submitted_at = timezone.now()
        copromotion.save(update_fields=["campaign", "state", "submitted_at"])
        budget_account_open(copromotion_id=copromotion.pk, budget=copromotion.budget)
    return copromotion


def copromotion_terms_set(
    *,
    copromotion_id: int,
    user_id: int,
    funding_per_redemption: Decimal,
    price_per_point: Decimal,
    revenue_share_percent: Decimal | None = None,
    review_comment: str = "",
) -> CoPromotion:
    """The operator's settlement terms (staff, at review). Locked once approved."""
    with transaction.atomic():
        copromotion = CoPromotion.objects.select_for_update().get(pk=copromotion_id)
        if copromotion.terms_locked:
            raise CoPromotionError("terms_locked", _("The terms of an approved co-promotion are locked."))
        copromotion.funding_per_redemption = funding_per_redemption
        copromotion.price_per_point = price_per_point
        copromotion.revenue_share_percent = revenue_share_percent
        copromotion.review_comment = review_comment
        copromotion.full_clean(
            exclude=[f for f in _model_fields() if f not in (*TERMS_FIELDS, "review_comment")]
        )
        copromotion.save(update_fields=[*TERMS_FIELDS, "review_comment"])
        # Audited (docs/audit.md): the entry records the terms before and after this save.
        log(instance=copromotion, action=TERMS_LOG_ACTION,
            user=get_user_model().objects.filter(pk=user_id).first())
    return copromotion


def copromotion_approve(
    *, copromotion_id: int, user_id: int | None, at: dt.datetime | None = None
) -> CoPromotion:
    """Approval (the campaign's workflow approved it): the terms lock; the co-promotion runs
    while its campaign is live and today is within its dates. Approving twice changes nothing."""
    with transaction.atomic():
        copromotion = CoPromotion.objects.select_for_update().get(pk=copromotion_id)
        if copromotion.state == CoPromotionState.APPROVED:
            return copromotion
        if copromotion.state == CoPromotionState.DRAFT:
            raise CoPromotionError("not_submitted", _("A draft cannot be approved."))
        state_before = copromotion.state
        copromotion.state = CoPromotionState.APPROVED
        copromotion.decided_at, copromotion.decided_by_id = at or timezone.now(), user_id
        copromotion.save(update_fields=["state", "decided_at", "decided_by"])
        _log_decision(copromotion, APPROVED_LOG_ACTION, user_id=user_id, state_before=state_before)
    return copromotion


def copromotion_reject(
    *, copromotion_id: int, user_id: int | None, comment: str = "", at: dt.datetime | None = None
) -> CoPromotion:
    """Rejection (the campaign's workflow asked for changes). An approved one stays approved."""
    with transaction.atomic():
        copromotion = CoPromotion.objects.select_for_update().get(pk=copromotion_id)
        if copromotion.state == CoPromotionState.APPROVED:
            raise CoPromotionError("terms_locked", _("An approved co-promotion cannot be rejected."))
        if copromotion.state == CoPromotionState.DRAFT:
            raise CoPromotionError("not_submitted", _("A draft cannot be rejected."))
        state_before, comment_before = copromotion.state, copromotion.review_comment
        copromotion.state = CoPromotionState.REJECTED
        copromotion.decided_at, copromotion.decided_by_id = at or timezone.now(), user_id
        if comment:
            copromotion.review_comment = comment
        copromotion.save(update_fields=["state", "decided_at", "decided_by", "review_comment"])
        _log_decision(copromotion, REJECTED_LOG_ACTION, user_id=user_id, state_before=state_before,
                      comment_before=comment_before)
    return copromotion


def _log_decision(
    copromotion: CoPromotion, action: str, *, user_id: int | None, state_before: str,
    comment_before: str | None = None,
) -> None:
    """The audit entry of an approval or a rejection (docs/audit.md), in its transaction: who
    decided, the state before and after, and the settlement terms as they stood when decided
    (approved: the terms that lock)."""
    changes = {"state": [state_before, copromotion.state]}
    if comment_before is not None and comment_before != copromotion.review_comment:
        changes["review_comment"] = [comment_before, copromotion.review_comment]
    terms = {name: _as_text(getattr(copromotion, name)) for name in TERMS_FIELDS}
    log(instance=copromotion, action=action, user=get_user_model().objects.filter(pk=user_id).first(),
        changes=changes, data={"terms": terms, "campaign_id": copromotion.campaign_id})


def _as_text(value) -> str | None:
    return None if value is None else str(value)


def _lock(copromotion_id: int, partner_id: int) -> CoPromotion:
    found = CoPromotion.objects.select_for_update().filter(pk=copromotion_id, partner_id=partner_id).first()
    if found is None:
        raise CoPromotion.DoesNotExist
    return found


def _model_fields() -> list[str]:
    return [field.name for field in CoPromotion._meta.concrete_fields]


def _apply(copromotion: CoPromotion, data: Mapping, *, today: dt.date) -> None:
    """Set the proposal's fields from ``data`` and check them all; raise every problem at once."""
    unknown = sorted(set(data) - set(PROPOSAL_FIELDS))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    for name in PROPOSAL_FIELDS:
        if name in data:
            value = data[name]
            setattr(copromotion, name, [] if name == "suggested_segments" and value is None else value)
    kind = copromotion.benefit_kind
    if kind != BenefitKind.DISCOUNT:
        copromotion.discount_percent = copromotion.discount_amount = None
    if kind != BenefitKind.BONUS_POINTS:
        copromotion.bonus_points = None
    errors: dict[str, list] = {}
    try:
        copromotion.full_clean(
            exclude=["partner", "created_by", "state", "campaign", *TERMS_FIELDS], validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    for name, message in _rule_errors(copromotion, today=today).items():
        errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _rule_errors(copromotion: CoPromotion, *, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    segments = copromotion.suggested_segments
    if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
        errors["suggested_segments"] = _("Choose segments from the list.")
    elif set(segments) - SEGMENT_CODES:
        errors["suggested_segments"] = _("Unknown segment: %(codes)s.") % {
            "codes": ", ".join(sorted(set(segments) - SEGMENT_CODES))
        }
    else:
        copromotion.suggested_segments = sorted(set(segments))
    starts, ends = copromotion.starts_on, copromotion.ends_on
    if isinstance(starts, dt.date) and isinstance(ends, dt.date):
        if ends < starts:
            errors["ends_on"] = _("The end is before the start.")
        if starts < today and copromotion.state == CoPromotionState.DRAFT and copromotion._state.adding:
            errors["starts_on"] = _("The start is in the past.")
    if copromotion.benefit_kind == BenefitKind.DISCOUNT:
        if (copromotion.discount_percent is None) == (copromotion.discount_amount is None):
            errors["discount_percent"] = _("Give either a percentage or an amount, not both.")
    if copromotion.benefit_kind == BenefitKind.BONUS_POINTS and not copromotion.bonus_points:
        errors["bonus_points"] = _("How many bonus points does the member get?")
    return errors
