"""An issued statement never changes: the model layer refuses on every database, and on
PostgreSQL a trigger refuses raw SQL too. Each test asserts that nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from partners.settlement.models import Statement, StatementImmutableError, StatementLine, StatementState
from partners.settlement.services import statement_approve, statement_issue, statement_prepare
from tests.integration.members.factories_admin import staff_with_mfa

from .settlement_helpers import build_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    month = build_month()
    finance = staff_with_mfa("settlement.approve_statement")
    statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.M).statement
    statement_approve(statement_id=statement.pk, user_id=finance.pk)
    return statement_issue(statement_id=statement.pk, user_id=finance.pk)


def snapshot(statement_id: int) -> tuple:
    statement = Statement.objects.get(pk=statement_id)
    lines = list(
        StatementLine.objects.filter(statement_id=statement_id).order_by("position").values_list(
            "position", "kind", "quantity", "unit_amount", "amount"
        )
    )
    return statement.state, statement.net_total, statement.number, lines


def test_the_model_layer_refuses_every_change_of_an_issued_statement(issued):
    before = snapshot(issued.pk)
    line = StatementLine.objects.filter(statement=issued).first()
    attempts = {
        "save": lambda: (setattr(issued, "net_total", Decimal(1)), issued.save()),
        "delete": issued.delete,
        "queryset update": lambda: Statement.objects.filter(pk=issued.pk).update(net_total=0),
        "queryset delete": lambda: Statement.objects.filter(pk=issued.pk).delete(),
        "line save": lambda: (setattr(line, "amount", Decimal(0)), line.save()),
        "line delete": line.delete,
        "line update": lambda: StatementLine.objects.filter(statement=issued).update(amount=0),
        "lines delete": lambda: StatementLine.objects.filter(statement=issued).delete(),
        "new line": lambda: StatementLine(
            statement=issued, position=99, kind="revenue_share", copromotion_id=1, copromotion_title="x",
            quantity=1, unit_amount=1, amount=1,
        ).save(),
    }
    refused = 0
    for name, attempt in attempts.items():
        with pytest.raises(StatementImmutableError), transaction.atomic():
            attempt()
        refused += 1
        assert snapshot(issued.pk) == before, name
    print(f"settlement immutability (model layer, {connection.vendor}): {refused}/{len(attempts)} refused, "
          f"0 changes")


def test_approve_and_issue_do_not_touch_an_issued_statement(issued):
    finance = staff_with_mfa("settlement.approve_statement")
    before = snapshot(issued.pk)
    for service in (statement_approve, statement_issue):
        with pytest.raises(Exception):  # noqa: B017 - SettlementRefused: not a draft / not approved
            service(statement_id=issued.pk, user_id=finance.pk)
    assert snapshot(issued.pk) == before
    assert Statement.objects.get(pk=issued.pk).state == StatementState.ISSUED


@pytest.mark.postgres
def test_the_database_refuses_raw_sql_on_an_issued_statement(issued):
    before = snapshot(issued.pk)
    line_id = StatementLine.objects.filter(statement=issued).values_list("id", flat=True).first()
    statements = [
        ("UPDATE settlement_statement SET net_total = 0 WHERE id = %s", [issued.pk]),
        ("UPDATE settlement_statement SET state = 'draft' WHERE id = %s", [issued.pk]),
        ("DELETE FROM settlement_statement WHERE id = %s", [issued.pk]),
        ("UPDATE settlement_statementline SET amount = 0 WHERE id = %s", [line_id]),
        ("DELETE FROM settlement_statementline WHERE id = %s", [line_id]),
        (
            "INSERT INTO settlement_statementline (statement_id, position, kind, copromotion_id, "
            "copromotion_title, quantity, unit_amount, amount) "
            "VALUES (%s, 99, 'revenue_share', 1, 'x', 1, 1, 1)",
            [issued.pk],
        ),
    ]
    refused = 0
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="issued"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        refused += 1
    assert snapshot(issued.pk) == before
    print(f"settlement immutability (PostgreSQL trigger): {refused}/{len(statements)} raw statements "
          "refused, 0 changes")


@pytest.mark.postgres
def test_the_trigger_lets_a_draft_change(issued):
    """The trigger is about issued statements only: a draft is recomputed freely."""
    other = statement_prepare(partner_id=issued.partner_id, month=issued.period.replace(month=1, year=2000))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE settlement_statement SET net_total = 5 WHERE id = %s", [other.statement.pk])
    assert Statement.objects.get(pk=other.statement.pk).net_total == 5
