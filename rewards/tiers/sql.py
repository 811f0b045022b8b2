"""Small SQL helpers for set-based reads and writes over thousands of ids.

On PostgreSQL a filter ``id = ANY(%s)`` sends one array parameter, where Django's ``__in``
sends one parameter per id (and the driver spends real time converting ten thousand of them);
other databases get the plain ``__in``.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL


def ids_in(model, field: str, ids: Collection[int]):
    """A filter for ``model`` rows whose integer column ``field`` is one of ``ids``."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": list(ids)})
    column = model._meta.get_field(field).column
    table = connection.ops.quote_name(model._meta.db_table)
    return RawSQL(
        f"{table}.{connection.ops.quote_name(column)} = ANY(%s::bigint[])", (list(ids),),
        output_field=BooleanField(),
    )
