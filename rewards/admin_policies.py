"""Permission policies shared by the rewards admin screens."""

from __future__ import annotations

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
