"""The per-member lock of every cap decision: ``ContactState`` rows, created when missing and
locked in member order (the one lock order, so concurrent chunks cannot deadlock)."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from club.members.models import Member

from ..models import ContactState


def contact_states_lock(members: QuerySet[Member]) -> list[int] | None:
    """Lock the ContactState rows of ``members`` (a queryset, embedded as a subquery) until the
    end of the caller's transaction; return the member ids locked. SQLite: nothing to do (its
    transactions are serial), None."""
    if connection.vendor != "postgresql":
        return None
    table = ContactState._meta.db_table
    ids_sql, params = members.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (member_id) SELECT m.id FROM ({ids_sql}) m WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} s WHERE s.member_id = m.id) ORDER BY m.id ON CONFLICT DO NOTHING",
            params,
        )
        cursor.execute(
            f"SELECT s.member_id FROM {table} s WHERE s.member_id IN ({ids_sql})"
            " ORDER BY s.member_id FOR UPDATE",
            params,
        )
        return [member_id for (member_id,) in cursor.fetchall()]


def contact_state_lock(member_id: int) -> None:
    """Lock one member's ContactState row (created when missing)."""
    contact_states_lock(Member.objects.filter(pk=member_id))
