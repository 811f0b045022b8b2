"""Settlement statements: the figures of a month by hand, idempotent prepare, approval by the
operator's staff only, adjustments for reversals of issued months, revenue entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from partners.settlement.compute import month_start, next_month
from partners.settlement.models import LineKind, Statement, StatementLine, StatementState
from partners.settlement.services import (
    SettlementRefused,
    revenue_set,
    statement_approve,
    statement_issue,
    statement_prepare,
)
from partners.settlement.tasks import statements_prepare_last_month_task
from tests.factories import UserFactory
from tests.integration.members.factories_admin import staff_with_mfa

from .settlement_helpers import EXPECTED_M, REVENUE_M, at, build_month, redeem, reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return build_month()


@pytest.fixture
def finance():
    return staff_with_mfa("settlement.approve_statement", "settlement.add_copromotionrevenue")


def lines_of(statement: Statement) -> list[tuple]:
    return [
        (line.kind, line.copromotion_title, line.original_period, line.quantity, line.unit_amount,
         line.amount)
        for line in StatementLine.objects.filter(statement=statement).order_by("position")
    ]


def issued(month, finance) -> Statement:
    statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.M).statement
    statement_approve(statement_id=statement.pk, user_id=finance.pk)
    return statement_issue(statement_id=statement.pk, user_id=finance.pk)


def test_a_months_figures_are_those_computed_by_hand(month, finance):
    revenue_set(copromotion_id=month.voucher.pk, month=month.M, revenue=REVENUE_M, user_id=finance.pk)

    statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.M).statement

    voucher, bonus = month.voucher.title, month.bonus.title
    assert lines_of(statement) == [
        (LineKind.REDEMPTION_FUNDING, voucher, None, Decimal(3), Decimal(10_000), Decimal(30_000)),
        (LineKind.REDEMPTION_FUNDING, bonus, None, Decimal(2), Decimal(2_000), Decimal(4_000)),
        (LineKind.POINTS_FUNDING, bonus, None, Decimal(400), Decimal(15), Decimal(6_000)),
        (LineKind.REVENUE_SHARE, voucher, None, REVENUE_M, Decimal("12.5"), Decimal(375_001)),
        (LineKind.REDEMPTION_REVERSAL, voucher, month.S, Decimal(-1), Decimal(10_000), Decimal(-10_000)),
        (LineKind.REDEMPTION_REVERSAL, bonus, month.S, Decimal(-1), Decimal(2_000), Decimal(-2_000)),
        (LineKind.POINTS_REVERSAL, bonus, month.S, Decimal(-200), Decimal(15), Decimal(-3_000)),
    ]
    assert {field: getattr(statement, field) for field in EXPECTED_M} == EXPECTED_M
    assert statement.state == StatementState.DRAFT
    assert statement.currency == settings.OPERATOR_CURRENCY
    assert all(isinstance(line[-1], Decimal) for line in lines_of(statement))
    print(f"settlement M: net={statement.net_total} funding={statement.funding_total} "
          f"share={statement.revenue_share_total} adjustments={statement.adjustments_total}")


def test_the_month_before_has_its_redemptions_and_no_adjustment(month):
    statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.S).statement

    # A and P1 were made in S and reversed only in M: S counts them, M credits them back.
    assert statement.redemptions == 2
    assert statement.funding_total == Decimal(10_000 + 2_000 + 200 * 15)
    assert statement.adjustments_total == 0


def test_prepare_is_idempotent_and_recomputes_a_draft(month):
    partner_id = month.partner_user.partner_id
    first = statement_prepare(partner_id=partner_id, month=month.M).statement
    first_lines = lines_of(first)

    again = statement_prepare(partner_id=partner_id, month=month.M)
    assert again.recomputed and again.statement.pk == first.pk
    assert lines_of(again.statement) == first_lines
    assert Statement.objects.filter(partner_id=partner_id, period=month.M).count() == 1

    redeem(month.partner_user, month.voucher, at(month.M.replace(day=25)))  # a late-recorded redemption
    recomputed = statement_prepare(partner_id=partner_id, month=month.M).statement
    assert recomputed.redemptions == EXPECTED_M["redemptions"] + 1
    assert recomputed.funding_total == EXPECTED_M["funding_total"] + 10_000


def test_an_issued_month_never_changes_and_a_later_reversal_is_next_months_adjustment(month, finance):
    statement = issued(month, finance)
    before = (lines_of(statement), statement.net_total, statement.number)

    reverse(month.partner_user, month.redemptions["B"], at(month.N.replace(day=3)))  # B was made in M
    again = statement_prepare(partner_id=month.partner_user.partner_id, month=month.M)
    statement.refresh_from_db()

    assert not again.recomputed
    assert (lines_of(statement), statement.net_total, statement.number) == before
    assert statement.state == StatementState.ISSUED
    next_statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.N).statement
    assert [line for line in lines_of(next_statement) if line[0] == LineKind.REDEMPTION_REVERSAL] == [
        (LineKind.REDEMPTION_REVERSAL, month.voucher.title, month.M, Decimal(-1), Decimal(10_000),
         Decimal(-10_000)),
    ]
    # N also has F, made at 00:10 on its first day
    assert next_statement.redemptions == 1
    assert next_statement.net_total == Decimal(10_000 - 10_000)


def test_approval_and_issue_are_for_the_operators_staff_only(month, finance):
    statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.M).statement
    staff_without_right = staff_with_mfa()
    refused_users = [month.partner_user.user, UserFactory(), staff_without_right]

    for user in refused_users:
        with pytest.raises(SettlementRefused) as refused:
            statement_approve(statement_id=statement.pk, user_id=user.pk)
        assert refused.value.code == "not_allowed"
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT and statement.approved_at is None

    with pytest.raises(SettlementRefused) as refused:
        statement_issue(statement_id=statement.pk, user_id=finance.pk)
    assert refused.value.code == "not_approved"

    approved = statement_approve(statement_id=statement.pk, user_id=finance.pk)
    assert approved.state == StatementState.APPROVED and approved.approved_by_id == finance.pk
    with pytest.raises(SettlementRefused):
        statement_issue(statement_id=statement.pk, user_id=month.partner_user.user_id)
    done = statement_issue(statement_id=statement.pk, user_id=finance.pk)
    assert done.state == StatementState.ISSUED and done.number and done.issued_by_id == finance.pk


def test_a_month_not_over_cannot_be_approved_nor_a_future_one_prepared(month, finance):
    now_month = month_start(timezone.localdate())
    open_statement = statement_prepare(partner_id=month.partner_user.partner_id, month=now_month).statement

    with pytest.raises(SettlementRefused) as refused:
        statement_approve(statement_id=open_statement.pk, user_id=finance.pk)
    assert refused.value.code == "month_open"
    with pytest.raises(SettlementRefused) as refused:
        statement_prepare(partner_id=month.partner_user.partner_id, month=next_month(now_month))
    assert refused.value.code == "future_month"
    open_statement.refresh_from_db()
    assert open_statement.state == StatementState.DRAFT


def test_revenue_entry_is_validated_and_closed_once_approved(month, finance):
    partner_id = month.partner_user.partner_id
    for bad, code in [(Decimal(-1), "bad_amount"), ("abc", "bad_amount"), (Decimal("10.5"), "bad_amount")]:
        with pytest.raises(SettlementRefused) as refused:
            revenue_set(copromotion_id=month.voucher.pk, month=month.M, revenue=bad, user_id=finance.pk)
        assert refused.value.code == code
    with pytest.raises(SettlementRefused) as refused:
        revenue_set(
            copromotion_id=month.voucher.pk, month=month.M, revenue=1, user_id=month.partner_user.user_id
        )
    assert refused.value.code == "not_allowed"

    statement = statement_prepare(partner_id=partner_id, month=month.M).statement
    revenue_set(
        copromotion_id=month.voucher.pk, month=month.M, revenue=Decimal(1_000_000), user_id=finance.pk
    )
    statement.refresh_from_db()
    assert statement.revenue_share_total == Decimal(125_000)  # the draft was recomputed at once

    statement_approve(statement_id=statement.pk, user_id=finance.pk)
    with pytest.raises(SettlementRefused) as refused:
        revenue_set(copromotion_id=month.voucher.pk, month=month.M, revenue=Decimal(2), user_id=finance.pk)
    assert refused.value.code == "statement_closed"
    statement.refresh_from_db()
    assert statement.revenue_share_total == Decimal(125_000)


def test_the_monthly_task_prepares_last_months_drafts_once(month, settings):
    partner_id = month.partner_user.partner_id
    assert "settlement.statements_prepare_last_month" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert statements_prepare_last_month_task() == 1
    assert statements_prepare_last_month_task() == 1  # recomputed, not duplicated

    statement = Statement.objects.get(partner_id=partner_id)
    assert statement.period == month.N and statement.state == StatementState.DRAFT
    assert statement.redemptions == 1  # F
