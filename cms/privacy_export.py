"""Everything Troika holds about one member, as one JSON-ready document (the portal's data
export; the format is described in docs/privacy.md).

What to export is not listed here: every app declares the tables that hold something about a
member in its ``personal_data.py`` (``club/members/privacy_registry.py``), and the export reads
each declared table's rows for the member, under the declaration's key. Rows are exported
column by column (``values()``), so a column added later appears without a change here; a
declaration's ``exclude`` leaves out secrets and internal digests, which identify nothing to
the member. It lives in cms, the top layer, because the preferences read club.members' selectors.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from club.members.models import Member
from club.members.privacy_registry import Holding, holding_rows, personal_data_registry
from club.members.selectors import member_current_consents

EXPORT_FORMAT_VERSION = 1
_MEMBER_PREFERENCE_FIELDS = (
    "language", "time_zone", "max_messages_per_week", "quiet_hours_start", "quiet_hours_end",
)


def _rows(queryset: QuerySet, holding: Holding) -> list[dict]:
    names = [field.attname for field in holding.model._meta.concrete_fields
             if field.name not in holding.exclude]
    return list(queryset.order_by("pk").values(*names))


def member_data_export(*, member_id: int, now: dt.datetime | None = None) -> dict:
    """The export of one member's data: a dict of plain values (dates, decimals and times are
    turned into strings by ``member_data_export_json``)."""
    member = Member.objects.prefetch_related("interests").get(pk=member_id)
    document = {
        "format": "troika-member-export",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": now or timezone.now(),
        "member": None,
        "preferences": {
            **{name: getattr(member, name) for name in _MEMBER_PREFERENCE_FIELDS},
            "interests": [{"slug": i.slug, "name": i.name} for i in member.interests.all()],
        },
        "consents": [
            {"purpose": c.purpose, "granted": c.is_granted, "changed_at": c.changed_at}
            for c in member_current_consents(member=member)
        ],
    }
    for holding in personal_data_registry().holdings:
        rows = _rows(holding_rows(holding, member_id=member_id, user_id=member.user_id), holding)
        document[holding.key] = (rows[0] if rows else None) if holding.is_one_row else rows
    return document


def member_data_export_json(*, member_id: int) -> str:
    return json.dumps(member_data_export(member_id=member_id), cls=DjangoJSONEncoder,
                      ensure_ascii=False, indent=2)
