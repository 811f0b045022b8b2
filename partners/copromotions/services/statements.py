"""The redemption path's own SQL on PostgreSQL: server-side prepared statements
(``rewards.prepared.prepared_cursor``), so a validate or a redeem compiles no queryset and makes
as few round trips as it can (docs/PERFORMANCE.md, ``partner_api``). Other databases (the
embedded SQLite mode) take the ORM path in ``redemption.py``; both give the same answers.

- ``code_row``: the code and its co-promotion in one read, with the budget's room for a
  validate, or locked (``FOR UPDATE OF`` the code alone, as the ORM path locks it) for a redeem;
- ``record_and_take``: one statement that takes the cost from a budget slice with the
  conditional UPDATE (``spent + cost <= cap``) and, only when it took it, inserts the redemption
  and marks the code redeemed: a short slice writes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from django.db import connection

from rewards.prepared import prepared_cursor

from ..models import (
    CodeState,
    CoPromotion,
    CoPromotionBudget,
    CoPromotionBudgetSlice,
    PartnerRedemption,
    PromotionCode,
)

_COPROMOTION_FIELDS = (
    "id", "title", "state", "starts_on", "ends_on", "benefit_kind", "bonus_points", "discount_percent",
    "discount_amount", "funding_per_redemption", "price_per_point",
)


def fast() -> bool:
    """Whether this database takes the prepared path."""
    return connection.vendor == "postgresql"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@cache
def _code_sql(*, lock: bool) -> str:
    code, promo = _table(PromotionCode), _table(CoPromotion)
    columns = ", ".join(f"p.{_column(CoPromotion, f)}" for f in _COPROMOTION_FIELDS)
    code_columns = ", ".join(f"c.{_column(PromotionCode, f)}" for f in ("id", "code", "state", "member"))
    if lock:
        room = "NULL"
        tail = " FOR UPDATE OF c"
    else:
        budget, slices = _table(CoPromotionBudget), _table(CoPromotionBudgetSlice)
        account = _column(CoPromotionBudget, "copromotion")
        room = (
            f"(SELECT b.{_column(CoPromotionBudget, 'budget')} - COALESCE((SELECT SUM(s."
            f"{_column(CoPromotionBudgetSlice, 'spent')}) FROM {slices} s WHERE s."
            f"{_column(CoPromotionBudgetSlice, 'account')} = b.{account}), 0) "
            f"FROM {budget} b WHERE b.{account} = p.id)"
        )
        tail = ""
    return (
        f"SELECT {code_columns}, {columns}, {room} FROM {code} c JOIN {promo} p "
        f"ON p.id = c.{_column(PromotionCode, 'copromotion')} "
        f"WHERE c.{_column(PromotionCode, 'partner')} = %s AND c.{_column(PromotionCode, 'code')} = %s{tail}"
    )


def code_row(*, partner_id: int, code: str, lock: bool) -> tuple[PromotionCode, Decimal | None] | None:
    """The code of the partner with its co-promotion (``row.copromotion``), and for a read
    without lock the budget's room (None when the co-promotion has no budget); None when the
    partner has no such code."""
    with prepared_cursor() as cursor:
        cursor.execute(_code_sql(lock=lock), [partner_id, code])
        found = cursor.fetchone()
    if found is None:
        return None
    code_id, value, state, member_id = found[:4]
    fields = dict(zip(_COPROMOTION_FIELDS, found[4:-1], strict=True))
    copromotion = CoPromotion(**fields, partner_id=partner_id)
    row = PromotionCode(
        id=code_id, code=value, state=state, member_id=member_id, partner_id=partner_id,
        copromotion_id=copromotion.pk,
    )
    row.copromotion = copromotion
    return row, found[-1]


@cache
def _record_and_take_sql() -> str:
    slices, redemption = _table(CoPromotionBudgetSlice), _table(PartnerRedemption)
    code = _table(PromotionCode)
    spent, cap = _column(CoPromotionBudgetSlice, "spent"), _column(CoPromotionBudgetSlice, "cap")
    columns = ", ".join(
        _column(PartnerRedemption, f)
        for f in ("copromotion", "partner", "code", "redeemed_at", "points", "amount", "reference",
                  "reversal_reference", "budget_slice")
    )
    return (
        f"WITH taken AS (UPDATE {slices} SET {spent} = {spent} + %(amount)s "
        f"WHERE {_column(CoPromotionBudgetSlice, 'account')} = %(copromotion)s "
        f"AND {_column(CoPromotionBudgetSlice, 'index')} = %(slice)s AND {spent} <= {cap} - %(amount)s "
        "RETURNING 1), "
        f"recorded AS (INSERT INTO {redemption} ({columns}) SELECT %(copromotion)s, %(partner)s, %(code)s, "
        "%(at)s, %(points)s, %(amount)s, %(reference)s, '', %(slice)s WHERE EXISTS (SELECT FROM taken) "
        f"RETURNING {_column(PartnerRedemption, 'id')}), "
        f"marked AS (UPDATE {code} SET {_column(PromotionCode, 'state')} = %(redeemed)s "
        f"WHERE {_column(PromotionCode, 'id')} = %(code)s AND EXISTS (SELECT FROM taken)) "
        "SELECT id FROM recorded"
    )


def record_and_take(
    *, copromotion_id: int, partner_id: int, code_id: int, at, points: int, amount: Decimal,
    reference: str, index: int,
) -> int | None:
    """Take ``amount`` from slice ``index`` and, when it had room, record the redemption and mark
    the code redeemed, in one statement: the new redemption's id, or None (nothing written; the
    slice's row may stay locked, so the caller rolls back to a savepoint taken before it)."""
    params = {
        "amount": amount, "copromotion": copromotion_id, "slice": index, "partner": partner_id,
        "code": code_id, "at": at, "points": points, "reference": reference,
        "redeemed": str(CodeState.REDEEMED),
    }
    with prepared_cursor() as cursor:
        cursor.execute(_record_and_take_sql(), params)
        found = cursor.fetchone()
    return None if found is None else found[0]
