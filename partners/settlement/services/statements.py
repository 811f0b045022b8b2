"""Statements: ``statement_prepare`` (draft, recomputed from the redemptions at every run),
``statement_approve`` (operator staff), ``statement_issue`` (then immutable)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.organisations.models import Partner

from .. import selectors
from ..compute import month_start, statement_figures_compute
from ..models import Statement, StatementLine, StatementState
from .errors import SettlementRefused

APPROVE_PERMISSION = "settlement.approve_statement"


@dataclass(frozen=True)
class StatementOutcome:
    statement: Statement
    recomputed: bool  # False: it was approved or issued already and was left as it was


def _period_of(month: dt.date) -> dt.date:
    if not isinstance(month, dt.date):
        raise SettlementRefused("bad_month", _("The month must be a date."))
    return month_start(month)


def _current_period() -> dt.date:
    return month_start(timezone.localdate())


def _statement_for_update(partner: Partner, period: dt.date) -> Statement:
    statement = Statement.objects.select_for_update().filter(partner=partner, period=period).first()
    if statement is not None:
        return statement
    try:
        with transaction.atomic():
            return Statement.objects.create(
                partner=partner, period=period, currency=settings.OPERATOR_CURRENCY,
                prepared_at=timezone.now(),
            )
    except IntegrityError:  # prepared by another worker meanwhile
        return Statement.objects.select_for_update().get(partner=partner, period=period)


def statement_prepare(*, partner_id: int, month: dt.date) -> StatementOutcome:
    """The partner's statement for ``month`` (any day of it), as a draft computed from the
    redemptions and terms now. Idempotent: a draft is recomputed from scratch; an approved or
    issued statement is returned unchanged."""
    period = _period_of(month)
    if period > _current_period():
        raise SettlementRefused("future_month", _("A statement cannot be prepared for a month to come."))
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise SettlementRefused("no_partner", _("There is no such partner."))
    with transaction.atomic():
        statement = _statement_for_update(partner, period)
        if statement.state != StatementState.DRAFT:
            return StatementOutcome(statement, recomputed=False)
        figures = statement_figures_compute(
            terms=selectors.copromotion_terms(partner_id=partner.pk),
            activity=selectors.month_activity(partner_id=partner.pk, period=period),
            late_reversals=selectors.late_reversals(partner_id=partner.pk, period=period),
            revenues=selectors.month_revenues(partner_id=partner.pk, period=period),
            quantum=settings.OPERATOR_CURRENCY_QUANTUM,
        )
        StatementLine.objects.filter(statement=statement).delete()
        StatementLine.objects.bulk_create(
            StatementLine(
                statement=statement, position=position, kind=line.kind, copromotion_id=line.copromotion_id,
                copromotion_title=line.copromotion_title[:200], original_period=line.original_period,
                quantity=line.quantity, unit_amount=line.unit_amount, amount=line.amount,
            )
            for position, line in enumerate(figures.lines, start=1)
        )
        Statement.objects.filter(pk=statement.pk, state=StatementState.DRAFT).update(
            currency=settings.OPERATOR_CURRENCY, redemptions=figures.redemptions,
            points_credited=figures.points_credited, reversals=figures.reversals,
            funding_total=figures.funding_total, revenue_share_total=figures.revenue_share_total,
            adjustments_total=figures.adjustments_total, net_total=figures.net_total,
            prepared_at=timezone.now(),
        )
        statement.refresh_from_db()
    return StatementOutcome(statement, recomputed=True)


def _operator_staff(user_id: int):
    user = get_user_model().objects.filter(pk=user_id).first()
    if (
        user is None or not user.is_active or not user.is_staff
        or hasattr(user, "partner_user") or not user.has_perm(APPROVE_PERMISSION)
    ):
        raise SettlementRefused(
            "not_allowed", _("Only the operator's staff with the right to approve statements may do this.")
        )
    return user


def _locked(statement_id: int) -> Statement:
    statement = Statement.objects.select_for_update().filter(pk=statement_id).first()
    if statement is None:
        raise SettlementRefused("no_statement", _("There is no such statement."))
    return statement


def statement_approve(*, statement_id: int, user_id: int) -> Statement:
    """Draft -> approved, by operator staff, once the month is over."""
    user = _operator_staff(user_id)
    with transaction.atomic():
        statement = _locked(statement_id)
        if statement.state != StatementState.DRAFT:
            raise SettlementRefused("not_draft", _("Only a draft statement can be approved."))
        if statement.period >= _current_period():
            raise SettlementRefused("month_open", _("A statement can be approved once its month is over."))
        Statement.objects.filter(pk=statement.pk, state=StatementState.DRAFT).update(
            state=StatementState.APPROVED, approved_at=timezone.now(), approved_by=user
        )
        statement.refresh_from_db()
    return statement


def statement_number(statement: Statement) -> str:
    return f"ST-{statement.period:%Y%m}-{statement.partner_id:05d}"


def statement_issue(*, statement_id: int, user_id: int) -> Statement:
    """Approved -> issued: numbered, then never changed (docs/partners.md)."""
    user = _operator_staff(user_id)
    with transaction.atomic():
        statement = _locked(statement_id)
        if statement.state != StatementState.APPROVED:
            raise SettlementRefused("not_approved", _("Only an approved statement can be issued."))
        Statement.objects.filter(pk=statement.pk, state=StatementState.APPROVED).update(
            state=StatementState.ISSUED, number=statement_number(statement), issued_at=timezone.now(),
            issued_by=user,
        )
        statement.refresh_from_db()
    return statement


def statements_prepare_month(*, month: dt.date) -> list[StatementOutcome]:
    """Every active partner's statement for ``month`` (the monthly beat task's service)."""
    period = _period_of(month)
    return [
        statement_prepare(partner_id=partner_id, month=period)
        for partner_id in selectors.partners_to_settle()
    ]
