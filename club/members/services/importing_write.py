"""Set-based writing of one chunk of parsed rows: one SELECT, then ``bulk_create`` for new
members, ``bulk_update`` for changed ones and one ``INSERT ... SELECT`` per consent field for
the consent history.

Only what a row declares is compared and written; a row equal to the stored member is left
alone (its ``updated_at`` does not move), which makes a second import of a file a no-op.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection, models
from django.db.models import Q

from ..models import ConsentPurpose, ConsentRecord, Member, MemberStatus
from .importing_rows import ParsedRow, RowError, RowParser

CONSENT_PURPOSES = {
    "consent_marketing": ConsentPurpose.MARKETING,
    "consent_profiling": ConsentPurpose.PROFILING,
    "consent_email": ConsentPurpose.CHANNEL_EMAIL,
    "consent_sms": ConsentPurpose.CHANNEL_SMS,
    "consent_portal": ConsentPurpose.CHANNEL_PORTAL,
}
_IDS_PER_STATEMENT = 2000
_CONSENT_DEFAULTS = {name: Member._meta.get_field(name).default for name in CONSENT_PURPOSES}


@dataclass
class ChunkPlan:
    """What writing a chunk would do. ``consents`` maps a consent field to the members whose
    value of it is new (new members get their pk on insert)."""

    creates: list[Member] = field(default_factory=list)
    updates: list[Member] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    consents: dict[str, list[Member]] = field(default_factory=dict)
    unchanged: int = 0

    def consent_add(self, name: str, member: Member) -> None:
        self.consents.setdefault(name, []).append(member)


def _loaded_fields(parser: RowParser) -> list[str]:
    names = {"id", "account_number", "msisdn", "status", "churn_reason"}
    for target in parser.mapping.fields:
        names.add("billing_detail_digest" if target == "billing_detail" else target)
    if parser.has_attributes:
        names.add("attributes")
    return sorted(names)


def _member_apply(member: Member, row: ParsedRow) -> list[str]:
    """Set the row's values on a stored member; returns the names of the fields that changed."""
    changed = [name for name, value in row.values.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, row.values[name])
    if row.attributes is not None:
        merged = {**(member.attributes or {}), **row.attributes}
        if merged != member.attributes:
            member.attributes = merged
            changed.append("attributes")
    if member.status != MemberStatus.CHURNED and member.churn_reason:
        member.churn_reason = ""  # the database allows a churn reason only with status churned
        changed.append("churn_reason")
    return changed


_CONCRETE_FIELDS = [model_field.attname for model_field in Member._meta.concrete_fields]


@cache
def _member_defaults() -> dict[str, Any]:
    """Each column's default, computed once (``attributes`` gets a fresh dict per member)."""
    return {
        model_field.attname: model_field.get_default()
        for model_field in Member._meta.concrete_fields
    }


def _member_new(row: ParsedRow) -> Member:
    """A new member from the row and the model's defaults. Positional arguments in column order
    take Django's fast path of ``Model.__init__`` (half the cost of keyword arguments)."""
    values = {**_member_defaults(), **row.values, "attributes": dict(row.attributes or {})}
    member = Member(*(values[name] for name in _CONCRETE_FIELDS))
    if member.status != MemberStatus.CHURNED:
        member.churn_reason = ""
    return member


def chunk_plan(*, rows: list[ParsedRow], parser: RowParser) -> tuple[ChunkPlan, list[RowError]]:
    """Compare valid rows with the stored members (one query); rows whose MSISDN belongs to
    another account are returned as errors and left out of the plan."""
    accounts = [row.values["account_number"] for row in rows]
    msisdns = [row.values["msisdn"] for row in rows]
    stored = list(
        Member.objects.filter(Q(account_number__in=accounts) | Q(msisdn__in=msisdns))
        .only(*_loaded_fields(parser))
        .order_by()
    )
    by_account = {member.account_number: member for member in stored}
    by_msisdn = {member.msisdn: member for member in stored}
    plan, errors = ChunkPlan(), []
    consent_fields = [name for name in parser.mapping.fields if name in CONSENT_PURPOSES]
    for row in rows:
        account, msisdn = row.values["account_number"], row.values["msisdn"]
        holder = by_msisdn.get(msisdn)
        if holder is not None and holder.account_number != account:
            errors.append(RowError(
                row=row.row, column=parser.label("msisdn"),
                message=f"{msisdn} already belongs to account {holder.account_number}",
            ))
            continue
        member = by_account.get(account)
        if member is None:
            member = _member_new(row)
            plan.creates.append(member)
            for name in consent_fields:
                if row.values[name] != _CONSENT_DEFAULTS[name]:
                    plan.consent_add(name, member)
            continue
        changed = _member_apply(member, row)
        if not changed:
            plan.unchanged += 1
            continue
        plan.updates.append(member)
        plan.update_fields.update(changed)
        for name in changed:
            if name in CONSENT_PURPOSES:
                plan.consent_add(name, member)
    return plan, errors


def chunk_write(*, plan: ChunkPlan, now: dt.datetime, recorded_by_id: Any = None) -> None:
    """Write a plan. Callers hold ``transaction.atomic()``."""
    if plan.creates:
        _members_insert(plan.creates, now=now)
    if plan.updates:
        for member in plan.updates:
            member.updated_at = now
        Member.objects.bulk_update(
            plan.updates, fields=sorted(plan.update_fields | {"updated_at"}), batch_size=500
        )
    for name, members in plan.consents.items():
        _consent_history_append(
            name=name, member_ids=[member.pk for member in members], now=now,
            recorded_by_id=recorded_by_id,
        )


def _consent_history_append(
    *, name: str, member_ids: list[int], now: dt.datetime, recorded_by_id: Any
) -> None:
    """One ``INSERT ... SELECT`` per consent field and chunk: the history row copies the value
    just written to the member, so no Python object is built per row."""
    quote = connection.ops.quote_name
    member_table, consent_table = Member._meta.db_table, ConsentRecord._meta.db_table
    for start in range(0, len(member_ids), _IDS_PER_STATEMENT):
        ids = member_ids[start:start + _IDS_PER_STATEMENT]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(consent_table)} "
                f"(member_id, purpose, granted, source, recorded_at, recorded_by_id) "
                f"SELECT id, %s, {quote(name)}, %s, %s, %s FROM {quote(member_table)} "
                f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
                [CONSENT_PURPOSES[name], ConsentRecord.Source.IMPORT, now, recorded_by_id, *ids],
            )


def _members_insert(members: list[Member], *, now: dt.datetime) -> None:
    """Insert new members. On PostgreSQL with ``COPY``: the members table's own physical
    limit, and measured 4-5 times faster than ``bulk_create`` here, which is the hot path's
    main cost (see docs/PERFORMANCE.md). Elsewhere ``bulk_create``. Either way the database
    checks every constraint; ids are read back in one query for the consent history."""
    if connection.vendor != "postgresql":
        Member.objects.bulk_create(members)
        _pks_fill(members)
        return
    columns = [model_field for model_field in Member._meta.concrete_fields
               if not model_field.primary_key]
    # JSON needs Django's adapter; every other column is a plain Python value psycopg adapts.
    json_fields = [(index, model_field) for index, model_field in enumerate(columns)
                   if isinstance(model_field, models.JSONField)]
    names = [model_field.attname for model_field in columns]
    quote = connection.ops.quote_name
    copy_sql = (f"COPY {quote(Member._meta.db_table)} "
                f"({', '.join(quote(model_field.column) for model_field in columns)}) FROM STDIN")
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for member in members:
            member.created_at = member.updated_at = now
            values = [getattr(member, name) for name in names]
            for index, model_field in json_fields:
                values[index] = model_field.get_db_prep_save(values[index], connection)
            copy.write_row(values)
    _pks_fill(members)


def _pks_fill(members: list[Member]) -> None:
    """Databases that do not return ids from a bulk insert: read them back (one query)."""
    missing = {member.account_number: member for member in members if member.pk is None}
    if not missing:
        return
    for pk, account in Member.objects.filter(account_number__in=list(missing)).values_list(
        "pk", "account_number"
    ):
        missing[account].pk = pk
