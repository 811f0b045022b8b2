"""Prepared reads: a ``values_list`` queryset compiled to SQL once per thread, then run with new
arguments, for the few small reads that every portal page makes.

Django builds and compiles a queryset each time it is evaluated. For a read by key that is most
of its cost: the member snapshot of the dashboard takes about 2 ms of CPU to build and compile
and 0.2 ms to execute. A ``PreparedRead`` wraps a function that builds the queryset from keyword
arguments. On first use it builds it twice, from two sets of sample arguments whose every value
differs, and compiles both: the SQL must be the same text, and every parameter that differs
must be exactly one argument's sample. Those are the argument slots. Each later call copies the
parameters, puts the arguments in their slots, executes the SQL and converts the rows with the
compiler's own converters, so the answer is the queryset's own.

What qualifies: filters that pass an argument through unchanged (``member_id=...``,
``month__gte=...``, a list bound as one array with ``any_of``). An argument Django transforms
(``created_at__date=...``, ``now + timedelta(...)`` inside the builder) is refused at the first
call, loudly; the caller passes the transformed value as an argument instead. Only PostgreSQL is
prepared; other databases run the queryset each time (the embedded SQLite mode is not the hot
path). docs/PERFORMANCE.md (dashboard) has the figures.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ValuesListIterable
from django.db.models.sql.compiler import SQLCompiler

PREPARED_VENDORS = frozenset({"postgresql"})
_NEVER_BY_COUNT = 2**31 - 1
LONGEST_KEPT_STATEMENT = 16_384  # bytes


def _keep_long_statements_parsed() -> None:
    """psycopg keeps its parse of a statement's placeholders (``_query2pg``, an LRU of 128) only
    for statements of at most 4 KB, so a longer one is split with a regular expression at every
    execution. The dashboard's member snapshot is 4.8 KB: that cost ~0.1 ms of CPU per page.
    Raise psycopg's limit (a module constant, read at each call) for the few fixed statements of
    the hot paths; ORM statements of varying shape only pass through the LRU."""
    try:
        from psycopg import _queries
    except ImportError:  # no psycopg: the embedded SQLite mode
        return
    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", LONGEST_KEPT_STATEMENT) < LONGEST_KEPT_STATEMENT:
        _queries.MAX_CACHED_STATEMENT_LENGTH = LONGEST_KEPT_STATEMENT


_keep_long_statements_parsed()


class PreparedReadError(ValueError):
    """The queryset cannot be prepared: its SQL depends on the arguments' values."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (parameter index, argument name)
    compiler: SQLCompiler
    converters: dict  # the compiler's, worked out once: {column index: (converters, expression)}


def any_of(model, field: str, values: Collection) -> Q | RawSQL:
    """A filter for ``model`` rows whose column ``field`` is one of ``values``, with the values
    bound as one array parameter on PostgreSQL (so the SQL does not change with their number),
    a plain ``__in`` elsewhere."""
    if connections["default"].vendor not in PREPARED_VENDORS:
        return Q(**{f"{field}__in": list(values)})
    ops = connections["default"].ops
    column = f"{ops.quote_name(model._meta.db_table)}.{ops.quote_name(model._meta.get_field(field).column)}"
    return RawSQL(f"{column} = ANY(%s)", (list(values),), output_field=BooleanField())


def _cursor(connection):
    """A cursor for a prepared read. With ``PREPARED_STATEMENTS`` (the default) it binds the
    parameters on the server and asks PostgreSQL to prepare the statement, once per connection,
    so the query is parsed and planned once rather than at every page. It goes through Django's
    cursor wrapper (execute wrappers see it) and is logged as Django logs queries (so
    ``django_assert_num_queries`` counts it). Turn the
    setting off behind a pooler that cannot keep prepared statements (PgBouncer in transaction
    mode before 1.21)."""
    if not getattr(settings, "PREPARED_STATEMENTS", False):
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns psycopg's preparing off (None); a threshold no query reaches turns it back
        # on for the statements that ask for it (prepare=True) and for those alone.
        connection.connection.prepare_threshold = _NEVER_BY_COUNT
    raw = _PreparingCursor(connection.connection)
    return connection.make_cursor(raw)


def prepared_cursor(using: str = "default"):
    """A cursor for a hot path's own SQL (a webhook's few statements): on PostgreSQL each
    statement is prepared on the server once per connection (see ``_cursor``); elsewhere a
    plain cursor. Use it as ``with prepared_cursor() as cursor:``."""
    connection = connections[using]
    if connection.vendor not in PREPARED_VENDORS:
        return connection.cursor()
    return _cursor(connection)


class _PreparingCursor(ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class PreparedRead:
    def __init__(
        self, build: Callable[..., QuerySet], *, samples: tuple[Mapping[str, Any], Mapping[str, Any]],
        using: str = "default",
    ):
        first, second = samples
        if set(first) != set(second) or any(first[name] == second[name] for name in first):
            raise PreparedReadError("the two sample sets need the same arguments, every value different")
        self._build = build
        self._samples = samples
        self._using = using
        self._local = threading.local()  # a compiler holds its thread's connection

    def __call__(self, **arguments) -> list[tuple]:
        connection = connections[self._using]
        if connection.vendor not in PREPARED_VENDORS:
            return list(self._build(**arguments))
        compiled = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = self._compile()
        params = list(compiled.params)
        for index, name in compiled.slots:
            params[index] = arguments[name]
        with _cursor(connection) as cursor:
            started = time.monotonic()
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
            if connection.queries_logged and isinstance(cursor.cursor, _PreparingCursor):
                # Django's debug wrapper cannot show a server-bound statement: log it as it would.
                connection.queries_log.append({"sql": connection.ops.compose_sql(compiled.sql, params),
                                               "time": f"{time.monotonic() - started:.3f}"})
        if not compiled.converters:
            return rows
        return list(map(tuple, compiled.compiler.apply_converters(rows, compiled.converters)))

    def _compile(self) -> _Compiled:
        first, second = (self._compiler(sample) for sample in self._samples)
        (sql, params), (other_sql, other_params) = first.as_sql(), second.as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise PreparedReadError(f"the SQL of {self._build.__qualname__} changes with its arguments")
        slots = []
        for index, (one, other) in enumerate(zip(params, other_params, strict=True)):
            if one == other:
                continue
            names = [name for name, value in self._samples[0].items()
                     if value == one and self._samples[1][name] == other]
            if len(names) != 1:
                raise PreparedReadError(
                    f"parameter {index} of {self._build.__qualname__} ({one!r}) is not one argument as given")
            slots.append((index, names[0]))
        unused = set(self._samples[0]) - {name for _index, name in slots}
        if unused:
            raise PreparedReadError(f"{self._build.__qualname__} transforms or ignores {sorted(unused)}")
        fields = [column[0] for column in first.select[: first.col_count]]
        if first.has_composite_fields(fields):
            raise PreparedReadError(f"{self._build.__qualname__} selects a composite primary key")
        return _Compiled(sql=sql, params=tuple(params), slots=tuple(slots), compiler=first,
                         converters=first.get_converters(fields))

    def _compiler(self, sample: Mapping[str, Any]) -> SQLCompiler:
        queryset = self._build(**sample)
        if queryset._iterable_class is not ValuesListIterable:
            raise PreparedReadError(f"{self._build.__qualname__} must return a values_list() queryset")
        return queryset.query.get_compiler(using=self._using)
