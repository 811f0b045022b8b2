"""Entries that Wagtail's own ``log()`` does not write: a staff user looking at or exporting
a member's personal data. Changes to audited models need no call: ``Audited`` and Wagtail's
``log()`` record them (docs/audit.md)."""

from __future__ import annotations

from .models import AuditEntry

PERSONAL_DATA_VIEWED = "troika.personal_data_viewed"
PERSONAL_DATA_EXPORTED = "troika.personal_data_exported"


def personal_data_viewed(*, member, user, screen: str) -> AuditEntry:
    """One entry per staff view of a member's screen (GET of the page, not its assets)."""
    return AuditEntry.objects.log_action(
        member, PERSONAL_DATA_VIEWED, user=user, data={"screen": screen}
    )


def personal_data_exported(*, instance, user, export: str, rows: int | None = None) -> AuditEntry:
    """One entry per download of a file holding members' personal data (``instance`` is what
    the file is about, e.g. an event and its attendees)."""
    return AuditEntry.objects.log_action(
        instance, PERSONAL_DATA_EXPORTED, user=user, data={"export": export, "rows": rows}
    )
