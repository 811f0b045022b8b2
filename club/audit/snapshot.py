"""The field values of an audited object, as JSON, and the difference of two such snapshots.

Inline children (a rule's multipliers, a schedule's brackets: modelcluster child relations)
are part of their parent's snapshot, as a list of their own values in order."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.db import models

# Wagtail's bookkeeping on drafts, revisions, locks and workflows: not what a person changed.
BOOKKEEPING_FIELDS = frozenset({
    "latest_revision", "live_revision", "has_unpublished_changes", "first_published_at",
    "last_published_at", "latest_revision_created_at", "locked", "locked_at", "locked_by",
    "draft_title", "expired",
})
HIDDEN_VALUE = "•••"


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # revisions keep milliseconds: compare instants in UTC at that precision
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _own_fields(model) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in BOOKKEEPING_FIELDS and not getattr(f, "auto_now", False)
    ]


def _field_value(field: models.Field, instance):
    value = field.value_from_object(instance)
    if isinstance(field, models.DecimalField) and value is not None:
        # the form's Decimal("7") and the database's Decimal("7.00") are the same value
        value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    return _plain(value)


def _values(instance, skip: str | None = None) -> dict:
    return {f.name: _field_value(f, instance) for f in _own_fields(type(instance)) if f.name != skip}


def _child_relations(instance) -> list:
    try:
        from modelcluster.models import get_all_child_relations
    except ImportError:  # pragma: no cover - modelcluster ships with Wagtail
        return []
    return get_all_child_relations(instance)


def snapshot(instance) -> dict:
    """Every own field, then each inline child relation as a list of its rows' values."""
    values = _values(instance)
    for relation in _child_relations(instance):
        parent_field = relation.field.name
        rows = getattr(instance, relation.get_accessor_name()).all()
        values[relation.get_accessor_name()] = [_values(row, skip=parent_field) for row in rows]
    return values


def snapshot_from_database(instance) -> dict | None:
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return None if stored is None else snapshot(stored)


def changes_between(before: dict, after: dict, *, hide_values: bool = False) -> dict[str, list]:
    """``{field: [before, after]}`` for each field that differs (a missing side is ``None``)."""
    changed = {}
    for name in (*before, *(n for n in after if n not in before)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changed[name] = [HIDDEN_VALUE, HIDDEN_VALUE] if hide_values else [old, new]
    return changed
