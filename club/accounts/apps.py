from django.apps import AppConfig, apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


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


class AccountsConfig(AppConfig):
    name = "club.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="club.accounts.roles_sync")
