"""Writes about segments: the set-based classification (a step of the profiles pipeline), the
staff's manual overrides, and the rule set's single row.

``segments_classify`` runs two UPDATE statements per chunk of members, whatever its size: one
sets every profile's ``segment_computed`` and Viettel classes from the rules' CASE expressions
(``rules.py``), one sets ``Member.segment`` to the effective segment (an active override, else
the rules' answer); each touches only the rows whose value changes. Both are
``UPDATE ... FROM (SELECT ...)`` with the SELECT compiled by the ORM, which PostgreSQL and
SQLite (3.33 and later) both run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from club.members.models import Member, Segment

from ..chunks import id_chunks
from ..models import MemberProfile, SegmentOverride, SegmentRuleSet
from .rules import active_override, class_expressions, segment_expression, without_jit
from .selectors import segment_rules_current, segments_today

CHUNK_SIZE = 5_000
CLASS_FIELDS = ("is_large_customer", "is_often_in_arrears", "is_lost_to_competitor")
REASON_MAX_LENGTH = 1000


def segments_classify(
    *, member_ids: Sequence[int] | None = None, on: dt.date | None = None,
    rules: SegmentRuleSet | None = None,
) -> dict[str, int]:
    """Classify these members (every member when ``None``) with the published rules.

    Returns ``{"members": ..., "profiles_changed": ..., "segments_changed": ...}``: the members
    looked at, the profiles whose computed segment or classes changed, and the members whose
    effective segment changed. Members without profiling consent get no computed segment and
    no class; their ``Member.segment`` is their active override, else empty.
    """
    rules = rules or segment_rules_current()
    on = on or segments_today()
    totals = {"members": 0, "profiles_changed": 0, "segments_changed": 0}
    for chunk in id_chunks(ids=member_ids, every=Member.objects.all(), field="pk", size=CHUNK_SIZE):
        with transaction.atomic():
            without_jit()
            profiles, members = _classify_chunk(chunk, rules=rules, on=on)
        totals["members"] += len(chunk)
        totals["profiles_changed"] += profiles
        totals["segments_changed"] += members
    return totals


def _in_chunk(chunk: list[int]):
    """Members of a chunk: a contiguous id range when the ids are (no long IN list)."""
    if chunk[-1] - chunk[0] + 1 == len(chunk):
        return Member.objects.filter(pk__gte=chunk[0], pk__lte=chunk[-1])
    return Member.objects.filter(pk__in=chunk)


def _classify_chunk(chunk: list[int], *, rules: SegmentRuleSet, on: dt.date) -> tuple[int, int]:
    members = _in_chunk(chunk)
    low, high = chunk[0], chunk[-1]
    # The profiles' own id range too, so that PostgreSQL reads them by index, not all of them.
    computed = (
        members.filter(profile__member_id__gte=low, profile__member_id__lte=high).order_by()
        .annotate(ref=F("pk"), new_segment=segment_expression(rules, on=on),
                  **{f"new_{name}": expr for name, expr in class_expressions(rules).items()})
        .values("ref", "new_segment", *(f"new_{name}" for name in CLASS_FIELDS))
    )
    profiles = _update_from(
        MemberProfile, key="member_id", select=computed, key_range=(low, high),
        columns={"segment_computed": "new_segment", **{name: f"new_{name}" for name in CLASS_FIELDS}},
    )
    computed_segment = MemberProfile.objects.filter(member_id=OuterRef("pk")).values("segment_computed")[:1]
    effective = (
        members.order_by()
        .annotate(ref=F("pk"), effective=Coalesce(active_override(), Subquery(computed_segment), Value("")))
        .values("ref", "effective")
    )
    changed = _update_from(Member, key="id", select=effective, columns={"segment": "effective"},
                           key_range=(low, high))
    return profiles, changed


def _update_from(model, *, key: str, select, columns: dict[str, str], key_range: tuple[int, int]) -> int:
    """``UPDATE <model> SET column = s.alias ... FROM (<select>) s WHERE <key> = s.ref`` for the
    rows where some column differs (none of them is NULL), ``key`` also bounded by
    ``key_range`` so the target is read by index. Returns the rows changed."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    sql, params = select.query.sql_with_params()
    assignments = ", ".join(f"{qn(column)} = s.{qn(alias)}" for column, alias in columns.items())
    differs = " OR ".join(f"{table}.{qn(column)} <> s.{qn(alias)}" for column, alias in columns.items())
    statement = (
        f"UPDATE {table} SET {assignments} FROM ({sql}) AS s "
        f"WHERE {table}.{qn(key)} = s.{qn('ref')} AND {table}.{qn(key)} BETWEEN %s AND %s AND ({differs})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *key_range])
        return cursor.rowcount


class SegmentOverrideError(ValidationError):
    pass


def _segment_checked(segment: str) -> str:
    valid = {value for value, _label in Segment.choices if value}
    if segment not in valid:
        raise SegmentOverrideError({"segment": _("Choose one of the six segments.")})
    return segment


def segment_override_set(*, member_id: int, segment: str, reason: str, staff_user) -> SegmentOverride:
    """Set the member's segment by hand: the previous active override (if any) is cleared, the
    new one recorded with its reason, author and time, and ``Member.segment`` follows at once."""
    segment = _segment_checked(segment)
    reason = (reason or "").strip()
    if not reason:
        raise SegmentOverrideError({"reason": _("Say why the member's segment is set by hand.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise SegmentOverrideError({"reason": _("At most %(n)d characters.") % {"n": REASON_MAX_LENGTH}})
    with transaction.atomic():
        Member.objects.select_for_update().only("pk").get(pk=member_id)
        _clear_active(member_id=member_id, staff_user=staff_user)
        override = SegmentOverride.objects.create(
            member_id=member_id, segment=segment, reason=reason, created_by=staff_user,
        )
        Member.objects.filter(pk=member_id).update(segment=segment)
    return override


def segment_override_clear(*, member_id: int, staff_user) -> bool:
    """Clear the member's active override (kept in the history, with who cleared it and when);
    the member's segment goes back to what the rules give now. False: there was none."""
    with transaction.atomic():
        Member.objects.select_for_update().only("pk").get(pk=member_id)
        cleared = _clear_active(member_id=member_id, staff_user=staff_user)
        if cleared:
            segments_classify(member_ids=[member_id])
    return cleared


def _clear_active(*, member_id: int, staff_user) -> bool:
    return bool(
        SegmentOverride.objects.filter(member_id=member_id, cleared_at__isnull=True)
        .update(cleared_at=timezone.now(), cleared_by=staff_user)
    )



def segment_rules_ensure() -> SegmentRuleSet:
    """The rule set's single row, created with the default thresholds (published) if missing."""
    rules, _created = SegmentRuleSet.objects.get_or_create(singleton=True)
    return rules
