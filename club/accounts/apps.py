from django.apps import AppConfig, apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_migrate


def _last_app_with_models() -> str:
    return [config.label for config in apps.get_app_configs() if config.models_module is not None][-1]


def roles_sync_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """``migrate`` (and a test database's flush) sends ``post_migrate`` once per app: the roles
    are synchronised once, after the last app (docs/roles.md). This receiver is connected
    before django.contrib.auth's, so the last app's own permissions are created here first."""
    if using != DEFAULT_DB_ALIAS or sender.label != _last_app_with_models():
        return
    from django.contrib.auth.management import create_permissions

    from .roles_sync import roles_sync

    create_permissions(sender, verbosity=0, using=using)
    roles_sync(strict=False)


def role_holders_staff_after_groups_added(sender, instance, action, reverse, pk_set, **kwargs):
    """A login put in a role's group (from either side of the relation) becomes staff."""
    if action != "post_add" or not pk_set:
        return
    from .services import role_holders_staff_set

    user_ids = pk_set if reverse else {instance.pk}
    made_staff = role_holders_staff_set(user_ids=user_ids)
    if not reverse and instance.pk in made_staff:
        instance.is_staff = True


class AccountsConfig(AppConfig):
    name = "club.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="club.accounts.roles_sync")
        m2m_changed.connect(
            role_holders_staff_after_groups_added,
            sender=self.get_model("User").groups.through,
            dispatch_uid="club.accounts.role_holders_staff",
        )
