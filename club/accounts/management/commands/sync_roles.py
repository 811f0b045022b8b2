"""``manage.py sync_roles``: make the staff roles' groups match ``club.accounts.roles``.
Idempotent; never changes who belongs to a group (docs/roles.md)."""

from django.core.management.base import BaseCommand, CommandError

from club.accounts.roles_sync import RoleDefinitionError, roles_sync


class Command(BaseCommand):
    help = "Create or update the staff roles' groups and permissions. Safe to run again."

    def handle(self, *args, **options):
        try:
            result = roles_sync()
        except RoleDefinitionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Roles: groups created {result.groups_created}; permissions added {result.permissions_added}, "
            f"removed {result.permissions_removed}; page permissions added {result.page_permissions_added}, "
            f"removed {result.page_permissions_removed}; collection permissions added "
            f"{result.collection_permissions_added}, removed {result.collection_permissions_removed}."
        )
