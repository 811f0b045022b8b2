"""``AuditEntry``: one row per staff action, append-only (docs/audit.md).

It is a Wagtail log entry model (``BaseLogEntry``): Wagtail's own ``log()`` writes here for
every model that mixes in ``Audited`` (create, edit, publish, unpublish, delete, revert...),
and Wagtail's "Site history" report and each object's "History" read it. On top of Wagtail's
columns it keeps the actor's label (kept when the user is deleted), the member concerned,
the changed fields with their values before and after, and the request's id and address."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import BaseLogEntry, BaseLogEntryManager, LogEntryQuerySet

from .context import audit_context_current
from .snapshot import changes_between, snapshot, snapshot_from_database

VIEW_AUDIT_PERMISSION = "audit.view_audit_log"


class AppendOnly(PermissionDenied):
    """Audit entries are never changed or deleted."""


class Audited:
    """Mix into a model (first in its bases) whose changes the audit log records with their
    values before and after. Inside a staff admin request, the first save of an object keeps
    its stored values; the next ``log()`` about that object records the difference."""

    # Members' personal data never enters the audit log: field names only, values hidden.
    audit_hides_values = False

    def audit_label(self) -> str:
        return str(self) or f"{type(self).__name__} {self.pk}"

    def save(self, *args, **kwargs):
        context = audit_context_current()
        if context is not None and self.pk is not None:
            key = (self._meta.label, str(self.pk))
            if key not in context.before:
                context.before[key] = snapshot_from_database(self)
        return super().save(*args, **kwargs)


class AuditEntryQuerySet(LogEntryQuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted")


class AuditEntryManager(BaseLogEntryManager):
    def get_queryset(self):
        return AuditEntryQuerySet(self.model, using=self._db)

    def get_instance_title(self, instance):
        if isinstance(instance, Audited):
            return instance.audit_label()
        return super().get_instance_title(instance)

    def log_action(self, instance, action, **kwargs):
        context = audit_context_current()
        user = kwargs.get("user") or (context.user if context is not None else None)
        if user is not None and not getattr(user, "is_authenticated", False):
            user = None
        kwargs["user"] = user
        kwargs.setdefault("actor_label", _actor_label(user))
        kwargs.setdefault("member_id", getattr(instance, "audit_member_id", None))
        if context is not None:
            kwargs.setdefault("ip", context.ip)
            kwargs.setdefault("request_id", context.request_id)
        kwargs.setdefault("changes", _changes(instance, action, context, deleted=kwargs.get("deleted")))
        kwargs["object_id"] = str(instance.pk)
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        return self.all() if user.has_perm(VIEW_AUDIT_PERMISSION) else self.none()

    def for_instance(self, instance):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=str(instance.pk))


def _actor_label(user) -> str:
    if user is None:
        return "system"
    return f"{user.get_username()} (#{user.pk})"


def _changes(instance, action: str, context, *, deleted) -> dict:
    if not isinstance(instance, Audited):
        return {}
    hide = instance.audit_hides_values
    if deleted:
        return changes_between(snapshot(instance), {}, hide_values=hide)
    if action.endswith(".create"):
        return changes_between({}, snapshot(instance), hide_values=hide)
    if context is None:
        return {}
    before = context.before.pop((instance._meta.label, str(instance.pk)), None)
    if before is None:
        return {}
    return changes_between(before, snapshot(instance), hide_values=hide)


class AuditEntry(BaseLogEntry):
    object_id = models.CharField(_("object id"), max_length=255, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=300)
    member_id = models.BigIntegerField(_("member id"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        default_permissions = ()
        permissions = [("view_audit_log", _("Can view the audit log"))]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted")

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.label}"

    def changes_text(self) -> str:
        """One line per changed field: ``field: before → after``."""
        return "\n".join(
            f"{name}: {_shown(old)} → {_shown(new)}" for name, (old, new) in self.changes.items()
        )

    changes_text.short_description = _("changes")

    def changes_summary(self, limit: int = 3) -> str:
        names = list(self.changes)
        if not names:
            return "—"
        shown = "; ".join(self.changes_text().splitlines()[:limit])
        return shown if len(names) <= limit else f"{shown}; … (+{len(names) - limit})"


def _shown(value) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
