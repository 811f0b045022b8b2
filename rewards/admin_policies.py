"""Permission policies and the view-only viewset shared by the admin screens of records that
change only through services."""

from __future__ import annotations

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Records that change only through services (events, history, redemptions...): staff with
    the model's view permission may look; nobody adds, edits or deletes through the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        if action != "view":
            return self.model._default_manager.none()
        return super().instances_user_has_permission_for(user, action)


class ReadOnlyViewSet(ModelViewSet):
    """A listing and inspect screen for a model registered with ``ViewOnlyPolicy``."""

    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []  # no add or edit screen is reachable (ViewOnlyPolicy)
    list_per_page = 50
