"""Registers the audit log: the models whose Wagtail log entries it keeps, its own actions,
its admin screen and its permission (docs/audit.md)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .models import Audited, AuditEntry
from .services import PERSONAL_DATA_EXPORTED, PERSONAL_DATA_VIEWED
from .viewsets import AuditEntryViewSet


@hooks.register("register_log_actions")
def register_audit_log(actions):
    # Every model that mixes in ``Audited`` logs into the append-only AuditEntry.
    actions.register_model(Audited, AuditEntry)
    actions.register_action(PERSONAL_DATA_VIEWED, _("View personal data"), _("Viewed personal data"))
    actions.register_action(
        PERSONAL_DATA_EXPORTED, _("Export personal data"), _("Exported personal data")
    )


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet("audit_log")


@hooks.register("register_permissions")
def register_audit_permission():
    return Permission.objects.filter(content_type__app_label="audit", codename="view_audit_log")
