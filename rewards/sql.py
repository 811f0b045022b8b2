"""Small SQL helpers for set-based reads and writes over thousands of ids.

On PostgreSQL a filter ``id = ANY(%s)`` sends one array parameter, where Django's ``__in``
sends one parameter per id; other databases get the plain ``__in``. The array travels as one
text literal (``'{1,2,3}'::bigint[]``) built with ``str.join``: Django binds parameters on the
client side, and psycopg's own list quoting costs real time at ten thousand ids.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL


def int_array(values: Iterable[int]) -> str:
    """A PostgreSQL array literal of integers, for a ``%s::bigint[]`` parameter."""
    return "{" + ",".join(map(str, map(int, values))) + "}"


def text_array(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of strings (each quoted), for a ``%s::text[]`` parameter."""
    values = list(values)
    if any('"' in value or "\\" in value for value in values):
        values = [value.replace("\\", "\\\\").replace('"', '\\"') for value in values]
    return '{"' + '","'.join(values) + '"}' if values else "{}"


def ids_in(model, field: str, ids: Collection[int]):
    """A filter for ``model`` rows whose integer column ``field`` is one of ``ids``."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": list(ids)})
    column = model._meta.get_field(field).column
    table = connection.ops.quote_name(model._meta.db_table)
    return RawSQL(
        f"{table}.{connection.ops.quote_name(column)} = ANY(%s::bigint[])", (int_array(ids),),
        output_field=BooleanField(),
    )
