"""The per-member lock of every cap decision: ``ContactState`` rows, created when missing and
locked in member order (the one lock order, so concurrent chunks cannot deadlock)."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from club.members.models import Member

from ..models import ContactState


def contact_states_lock(members: QuerySet[Member], *, id_from: int, id_to: int) -> list[int] | None:
    """Lock the ContactState rows of ``members`` (a queryset, embedded as a subquery), all with
    ids in ``[id_from, id_to)``, until the end of the caller's transaction; return the member
    ids locked. SQLite: nothing to do (its transactions are serial), None."""
    if connection.vendor != "postgresql":
        return None
    table = ContactState._meta.db_table
    members = members.filter(id__gte=id_from, id__lt=id_to)
    ids_sql, params = members.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        # OFFSET 0 keeps the NOT EXISTS a primary-key probe per member: as an anti-join
        # PostgreSQL hashed the whole table for every chunk (25 ms at 90k rows, growing with it).
        cursor.execute(
            f"INSERT INTO {table} (member_id) SELECT m.id FROM ({ids_sql}) m WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} s WHERE s.member_id = m.id OFFSET 0)"
            " ORDER BY m.id ON CONFLICT DO NOTHING",
            params,
        )
        # The range lets the state table be read by its key range, not scanned whole.
        cursor.execute(
            f"SELECT s.member_id FROM {table} s WHERE s.member_id >= %s AND s.member_id < %s"
            f" AND s.member_id IN ({ids_sql}) ORDER BY s.member_id FOR UPDATE",
            [id_from, id_to, *params],
        )
        return [member_id for (member_id,) in cursor.fetchall()]


def contact_state_lock(member_id: int) -> None:
    """Lock one member's ContactState row (created when missing)."""
    contact_states_lock(Member.objects.filter(pk=member_id), id_from=member_id, id_to=member_id + 1)
