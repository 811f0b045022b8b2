"""The view mixin of admin screens that show one member's personal data (docs/audit.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.views.defaults import permission_denied

from .models import VIEW_AUDIT_PERMISSION
from .services import personal_data_viewed


class PersonalDataViewAudited:
    """A successful GET of the screen records one "viewed personal data" entry: the page
    itself, once, not its assets or the form posts it receives. Subclasses name the member
    with ``audited_member()``."""

    def audited_member(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            match = request.resolver_match
            screen = match.view_name if match is not None else type(self).__name__
            personal_data_viewed(member=self.audited_member(), user=request.user, screen=screen)
        return response


class AuditPermissionRequired:
    """A plain 403 for staff without ``audit.view_audit_log`` (Wagtail would redirect to its
    dashboard): for screens that read the audit log, e.g. a member's history, which lists
    who looked at the member."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_active or not request.user.has_perm(VIEW_AUDIT_PERMISSION):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)
