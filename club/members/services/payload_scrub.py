"""Scrubbing an erased member's identifiers out of raw payloads (docs/privacy.md).

Some columns keep outside input as received: a billing event the ingestion refused (its
MSISDN matched no member then), a Stripe event no membership claimed, an error text. They are
declared as ``Payload`` in the apps' ``personal_data.py``; the identifiers are the columns the
``Holding`` rows name in ``identifiers`` (the MSISDN, the account number, the login's email
and phone, the Stripe customer id). One ``UPDATE`` per payload column replaces every
identifier of the member by the member's pseudonym, in SQL, in every row that quotes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from django.db import connection, models

from ..phone import national_digits
from ..privacy_registry import Payload, holding_rows, personal_data_registry

# An identifier is replaced where it stands alone: not inside a longer number, account or
# address (``+8491...`` is not the number ``+84912``; ``ann@x.test`` is not ``jo.ann@x.test``),
# though a sentence's full stop may follow it.
_NOT_PRECEDED = r"(?<![[:alnum:]_.+-])"
_NOT_FOLLOWED = r"(?![[:alnum:]_-])"
# The same in Python's dialect, for the embedded SQLite database (no regexp_replace there).
_PY_NOT_PRECEDED = r"(?<![\w.+-])"
_PY_NOT_FOLLOWED = r"(?![\w-])"
LINE_NUMBER_FIELDS = frozenset({"msisdn", "phone"})


def member_identifiers(*, member_id: int, user_id: int | None, msisdn_pseudonym: str,
                       pseudonym: str) -> dict[str, str]:
    """{identifier as it may be quoted: its replacement} from every declared ``identifiers``
    column of the member's rows; a line number also without its ``+`` and in its national form
(``0912000555``). Read before the erasure
    changes them."""
    replacements: dict[str, str] = {}
    for holding in personal_data_registry().holdings:
        if not holding.identifiers:
            continue
        rows = holding_rows(holding, member_id=member_id, user_id=user_id)
        for row in rows.values(*holding.identifiers):
            for name, value in row.items():
                if not value:
                    continue
                if name in LINE_NUMBER_FIELDS:
                    replacements[str(value)] = msisdn_pseudonym
                    replacements[str(value).lstrip("+")] = msisdn_pseudonym.lstrip("+")
                    national = national_digits(str(value))
                    if national:  # "0912000555": the line as written inside its country
                        replacements[national] = msisdn_pseudonym.lstrip("+")
                else:
                    replacements[str(value)] = pseudonym
    return replacements


def payloads_scrub(*, replacements: dict[str, str]) -> int:
    """Replace each identifier in every declared payload column; the number of rows changed."""
    if not replacements:
        return 0
    # longest first: the number with its "+" before the same digits without it
    ordered = sorted(replacements.items(), key=lambda item: len(item[0]), reverse=True)
    payloads = personal_data_registry().payloads
    if connection.vendor != "postgresql":
        return sum(_scrub_in_python(payload, ordered) for payload in payloads)
    changed = 0
    with connection.cursor() as cursor:
        for payload in payloads:
            sql, params = _scrub_statement(payload, ordered)
            cursor.execute(sql, params)
            changed += cursor.rowcount
    return changed


def _scrub_statement(payload: Payload, ordered: Iterable[tuple[str, str]]) -> tuple[str, list]:
    field = payload.model._meta.get_field(payload.field)
    is_json = isinstance(field, models.JSONField)
    quote = connection.ops.quote_name
    column = quote(field.column)
    text = f"{column}::text" if is_json else column
    expression, params, patterns = text, [], []
    for value, replacement in ordered:
        quoted, substitute = _as_stored(value, is_json), _as_stored(replacement, is_json)
        pattern = f"{_NOT_PRECEDED}{re.escape(quoted)}{_NOT_FOLLOWED}"
        expression = f"regexp_replace({expression}, %s, %s, 'gi')"
        params += [pattern, substitute]
        patterns.append(pattern)
    if is_json:
        expression = f"({expression})::jsonb"
    elif field.max_length:  # a pseudonym may be longer than what it replaces
        expression = f"left({expression}, {int(field.max_length)})"
    sql = (f"UPDATE {quote(payload.model._meta.db_table)} SET {column} = {expression} "
           f"WHERE {text} ~* %s")
    return sql, [*params, "|".join(f"({pattern})" for pattern in patterns)]


def _scrub_in_python(payload: Payload, ordered: list[tuple[str, str]]) -> int:
    """The embedded SQLite database: the same replacements row by row (a demo's few rows)."""
    field = payload.model._meta.get_field(payload.field)
    is_json = isinstance(field, models.JSONField)
    manager = payload.model._default_manager
    changed = 0
    for pk, value in manager.values_list("pk", payload.field).iterator():
        text = json.dumps(value, ensure_ascii=False) if is_json else (value or "")
        scrubbed = text
        for identifier, replacement in ordered:
            quoted, substitute = _as_stored(identifier, is_json), _as_stored(replacement, is_json)
            pattern = f"{_PY_NOT_PRECEDED}{re.escape(quoted)}{_PY_NOT_FOLLOWED}"
            scrubbed = re.sub(pattern, lambda _match, s=substitute: s, scrubbed, flags=re.IGNORECASE)
        if scrubbed != text:
            stored = json.loads(scrubbed) if is_json else scrubbed[:field.max_length]
            manager.filter(pk=pk).update(**{payload.field: stored})
            changed += 1
    return changed


def _as_stored(value: str, is_json: bool) -> str:
    """How the value stands in the column's text: inside a JSON string, escaped as JSON
    (PostgreSQL's jsonb text keeps non-ASCII characters as they are)."""
    return json.dumps(value, ensure_ascii=False)[1:-1] if is_json else value
