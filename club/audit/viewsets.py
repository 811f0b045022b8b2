"""The audit log in the Wagtail admin: a filterable listing and a detail, for holders of
``audit.view_audit_log`` only. Nobody adds, edits or deletes an entry."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import registry as log_registry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import VIEW_AUDIT_PERMISSION, AuditEntry
from .views import AuditPermissionRequired

AUDIT_MENU_ORDER = 950  # near the end of the menu, after Reports and Settings' neighbours


class AuditPolicy(ModelPermissionPolicy):
    """View only, and only with the dedicated permission."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.has_perm(VIEW_AUDIT_PERMISSION)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return self.model._default_manager.all()


register_permission_policy(AuditEntry, AuditPolicy(AuditEntry), exact_class=True)


def _action_choices():
    return sorted(log_registry.get_choices(), key=lambda choice: str(choice[1]))


def _object_types(request):
    used = AuditEntry.objects.order_by().values_list("content_type_id", flat=True).distinct()
    return ContentType.objects.filter(pk__in=used).order_by("app_label", "model")


class AuditEntryFilterSet(WagtailFilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains", label=_("Actor"))
    action = django_filters.ChoiceFilter(choices=_action_choices, label=_("Action"))
    object_type = django_filters.ModelChoiceFilter(
        field_name="content_type", queryset=_object_types, label=_("Object type"),
    )
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object id"))
    member = django_filters.NumberFilter(field_name="member_id", label=_("Member id"))
    date_from = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("From"))
    date_until = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label=_("Until"))

    class Meta:
        model = AuditEntry
        fields = []


class AuditIndexView(AuditPermissionRequired, IndexView):
    pass


class AuditInspectView(AuditPermissionRequired, InspectView):
    pass


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    icon = "history"
    menu_label = _("Audit log")
    menu_order = AUDIT_MENU_ORDER
    add_to_admin_menu = True
    url_prefix = "audit-log"
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []  # no add or edit screen is reachable (AuditPolicy)
    filterset_class = AuditEntryFilterSet
    list_per_page = 50
    ordering = ["-timestamp", "-id"]
    list_display = [
        Column("timestamp", label=_("When"), accessor=lambda entry: f"{entry.timestamp:%Y-%m-%d %H:%M:%S}"),
        Column("actor_label", label=_("Actor")),
        Column("action", label=_("Action"), accessor="message"),
        Column("object_type", label=_("Object type"), accessor="object_verbose_name"),
        Column("label", label=_("Object")),
        Column("object_id", label=_("Id")),
        Column("member_id", label=_("Member")),
        Column("changes", label=_("Changes"), accessor="changes_summary"),
        Column("ip", label=_("IP address")),
    ]
    inspect_view_fields = [
        "timestamp", "actor_label", "action", "content_type", "object_id", "label", "member_id",
        "changes_text", "data", "ip", "request_id", "uuid",
    ]

    def get_queryset(self, request):
        return AuditEntry.objects.select_related("content_type")
