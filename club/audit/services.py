"""Entries that Wagtail's own ``log()`` does not write: a staff user looking at or exporting
a member's personal data. Changes to audited models need no call: ``Audited`` and Wagtail's
``log()`` record them (docs/audit.md)."""

from __future__ import annotations

import copy as copy_module

from .models import AuditEntry

PERSONAL_DATA_VIEWED = "troika.personal_data_viewed"
PERSONAL_DATA_EXPORTED = "troika.personal_data_exported"


def personal_data_viewed(*, member, user, screen: str) -> AuditEntry:
    """One entry per staff view of a member's screen (GET of the page, not its assets)."""
    return AuditEntry.objects.log_action(
        member, PERSONAL_DATA_VIEWED, user=user, data={"screen": screen}
    )


def personal_data_listed(*, members, user, screen: str) -> int:
    """A listing that showed members' personal data (a page of the member list): one "viewed"
    entry per member shown, so a member's entries answer "who saw my line" whatever the screen.
    The first entry is logged as any other; the others copy its actor, time and request and are
    written in one statement. Returns how many."""
    members = list(members)
    if not members:
        return 0
    first = personal_data_viewed(member=members[0], user=user, screen=screen)
    copies = []
    for member in members[1:]:
        copy = copy_module.copy(first)
        copy.pk = copy.id = None
        copy.object_id = str(member.pk)
        copy.member_id = member.audit_member_id
        copy.label = AuditEntry.objects.get_instance_title(member)
        copies.append(copy)
    AuditEntry.objects.bulk_create(copies)
    return len(members)


def personal_data_exported(*, instance, user, export: str, rows: int | None = None) -> AuditEntry:
    """One entry per download of a file holding members' personal data (``instance`` is what
    the file is about, e.g. an event and its attendees)."""
    return AuditEntry.objects.log_action(
        instance, PERSONAL_DATA_EXPORTED, user=user, data={"export": export, "rows": rows}
    )
