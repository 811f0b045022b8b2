"""Helpers of the audit log tests."""

from __future__ import annotations

from club.audit.models import AuditEntry
from tests.integration.members.factories_admin import staff_with_mfa

AUDITOR_PERMISSIONS = ("wagtailadmin.access_admin", "audit.view_audit_log")


def only_entry(**filters) -> AuditEntry:
    """The one entry matching ``filters``: fails when there are none or several."""
    found = list(AuditEntry.objects.filter(**filters))
    assert len(found) == 1, [(e.action, e.label, e.changes) for e in found]
    return found[0]


def auditor():
    return staff_with_mfa(*AUDITOR_PERMISSIONS)
